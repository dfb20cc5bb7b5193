// Builds the SDK bundle of the demo page and then the example server (which
// embeds that page) once per test run; every test file starts its own
// instances of the server, each with a fresh SQLite database.
// FASTAUTH_SERVER_BIN points at a prebuilt server binary instead.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    serverBin: string;
  }
}

export default function setup(project: TestProject) {
  const sdkDir = resolve(import.meta.dirname, '..');
  const repo = resolve(sdkDir, '..');
  execFileSync('npm', ['run', '--silent', 'build:demo'], { cwd: sdkDir, stdio: 'inherit' });
  const prebuilt = process.env.FASTAUTH_SERVER_BIN;
  if (prebuilt) {
    project.provide('serverBin', prebuilt);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fastauth-sdk-'));
  const bin = join(dir, 'server');
  execFileSync('go', ['build', '-o', bin, './examples/server'], { cwd: repo, stdio: 'inherit' });
  project.provide('serverBin', bin);
  return () => rmSync(dir, { recursive: true, force: true });
}
