import { defineConfig } from 'vitest/config';

// `npm test` runs the node project (SDK against the real example server);
// `npm run test:browser` the browser project (demo page and the ui module's
// account pages in headless Chromium).
const shared = { testTimeout: 60_000, hookTimeout: 180_000, globalSetup: ['./test/global-setup.ts'] };

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'node', include: ['test/**/*.test.ts'], exclude: ['test/browser.test.ts', 'test/ui.test.ts'] } },
      { test: { ...shared, name: 'browser', include: ['test/browser.test.ts', 'test/ui.test.ts'] } },
    ],
  },
});
