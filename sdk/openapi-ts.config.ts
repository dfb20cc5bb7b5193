import { defineConfig } from '@hey-api/openapi-ts';

// Generates src/client from the swag output in ../docs (run `make openapi`
// first when the Go annotations change, then `npm run generate`).
export default defineConfig({
  input: '../docs/swagger.json',
  output: { path: 'src/client', clean: true },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
});
