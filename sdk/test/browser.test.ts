// End to end in a real browser: Debian's headless Chromium (never a
// downloaded one) drives the demo page served by the example server at
// /demo/, which uses the SDK bundle, and a React page using useSession.
// Access tokens live 3 s.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fastauth } from '../src/index.js';
import { email, PASSWORD, sleep, startServer, type TestServer } from './server.js';
import { totp } from './totp.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ACCESS_TTL_MS = 3000;
const OUTPUT_DIR = resolve(import.meta.dirname, '..', 'test-results');

let server: TestServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startServer({ accessTTL: `${ACCESS_TTL_MS / 1000}s` });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  context = await browser.newContext();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

async function openDemo(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  await page.goto(`${server.origin}/demo/`);
  // The page asks GET /auth/session on load; wait for that first action to settle.
  await page.waitForFunction(() => Number(document.getElementById('last')?.dataset.seq) >= 1);
  return page;
}

// click runs one button's action and waits until the page has finished it.
async function click(page: Page, id: string): Promise<void> {
  const before = Number(await page.locator('#last').getAttribute('data-seq'));
  await page.click(`#${id}`);
  await page.waitForFunction(
    (n) => Number(document.getElementById('last')?.dataset.seq) > n,
    before,
    { timeout: 20_000 },
  );
}

async function view(page: Page) {
  return {
    state: await page.locator('#state').getAttribute('data-state'),
    user: (await page.locator('#user').textContent())?.trim(),
    error: (await page.locator('#error').textContent())?.trim(),
    refreshes: Number(await page.locator('#refreshes').textContent()),
  };
}

const pastExpiry = () => sleep(ACCESS_TTL_MS + 1000);

describe('demo page in headless Chromium', () => {
  it('signs up, survives expiry in one and two tabs, signs out', async () => {
    const address = email('browser');
    const tab1 = await openDemo();
    expect((await view(tab1)).state).toBe('signed-out');

    // Sign up.
    await tab1.fill('#email', address);
    await tab1.fill('#password', PASSWORD);
    await click(tab1, 'sign-up');
    let v = await view(tab1);
    expect(v).toMatchObject({ state: 'signed-in', user: address, error: '–' });
    const cookies = await context.cookies(server.origin);
    const access = cookies.find((c) => c.name === 'access_token');
    expect(access?.httpOnly).toBe(true);
    expect(await tab1.evaluate(() => document.cookie)).toBe(''); // HttpOnly: invisible to scripts

    // See the user.
    await click(tab1, 'me');
    expect(await view(tab1)).toMatchObject({ state: 'signed-in', user: address });

    // Past expiry: act again without being signed out.
    const refreshesBefore = (await view(tab1)).refreshes;
    let serverRefreshes = server.refreshes(200);
    await pastExpiry();
    await click(tab1, 'me');
    v = await view(tab1);
    expect(v).toMatchObject({ state: 'signed-in', user: address, error: '–' });
    expect(v.refreshes - refreshesBefore).toBe(1);
    expect(server.refreshes(200) - serverRefreshes).toBe(1);
    await click(tab1, 'organizations');
    expect(await tab1.locator('#organization-count').textContent()).toBe('1');
    // The audit log of the active organization (the personal workspace).
    await click(tab1, 'audit-log-load');
    expect(await tab1.locator('#audit-log tbody tr[data-type="user.signed_up"]').count()).toBe(1);

    // A second tab of the same browser shares the cookies.
    const tab2 = await openDemo();
    expect(await view(tab2)).toMatchObject({ state: 'signed-in', user: address });

    // Both tabs act at once after expiry: both stay signed in, and the server
    // saw at most one refresh per tab.
    await pastExpiry();
    const r1 = (await view(tab1)).refreshes;
    const r2 = (await view(tab2)).refreshes;
    serverRefreshes = server.refreshes();
    await Promise.all([click(tab1, 'me'), click(tab2, 'me'), click(tab1, 'organizations'), click(tab2, 'organizations')]);
    const [v1, v2] = [await view(tab1), await view(tab2)];
    expect(v1).toMatchObject({ state: 'signed-in', user: address, error: '–' });
    expect(v2).toMatchObject({ state: 'signed-in', user: address, error: '–' });
    expect(v1.refreshes - r1).toBeLessThanOrEqual(1);
    expect(v2.refreshes - r2).toBeLessThanOrEqual(1);
    const during = server.refreshes() - serverRefreshes;
    expect(during).toBeGreaterThanOrEqual(1);
    expect(during).toBeLessThanOrEqual(2);
    // Still signed in afterwards, in both.
    await click(tab2, 'me');
    await click(tab1, 'me');
    expect((await view(tab1)).state).toBe('signed-in');
    expect((await view(tab2)).state).toBe('signed-in');

    mkdirSync(OUTPUT_DIR, { recursive: true });
    await tab1.screenshot({ path: join(OUTPUT_DIR, 'browser.png'), fullPage: true });

    // Sign out in one tab: the other finds itself signed out on its next action.
    await click(tab1, 'sign-out');
    expect(await view(tab1)).toMatchObject({ state: 'signed-out', user: '–' });
    expect((await context.cookies(server.origin)).map((c) => c.name)).toEqual([]);
    await click(tab2, 'me');
    v = await view(tab2);
    expect(v.state).toBe('signed-out');
    expect(v.error).toContain('401');
  });
});

describe('second factor on the demo page in headless Chromium', () => {
  it('sets up TOTP, signs in with mfa_required then verify at aal 2, reaches /api/secure', async () => {
    await context.clearCookies();
    const address = email('mfa');
    const page = await openDemo();
    await page.fill('#email', address);
    await page.fill('#password', PASSWORD);
    await click(page, 'sign-up');
    expect(await view(page)).toMatchObject({ state: 'signed-in', user: address, error: '–' });
    expect(await page.locator('#aal').textContent()).toBe('1 (password)');

    // /api/secure wants a second factor.
    await click(page, 'secure');
    expect((await view(page)).error).toContain('403 mfa_step_up_required');

    // Set up: the QR code and the secret are shown; the test is the app.
    await click(page, 'totp-setup');
    expect(await page.locator('#totp-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const secret = (await page.locator('#totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const enabledAt = Date.now();
    await page.fill('#totp-code', totp(secret, enabledAt));
    await click(page, 'totp-enable');
    expect((await view(page)).error).toBe('–');
    const codes = (await page.locator('#recovery-codes').textContent())!.split('\n');
    expect(codes).toHaveLength(10);
    expect(await page.locator('#aal').textContent()).toBe('2 (password, totp)');
    expect(await page.locator('#mfa').textContent()).toBe('TOTP on, 10 recovery codes left');

    // Sign out, sign in: the password alone is not enough.
    await click(page, 'sign-out');
    expect((await view(page)).state).toBe('signed-out');
    await click(page, 'sign-in');
    expect(await page.locator('#mfa-challenge').isHidden()).toBe(false);
    expect((await view(page)).state).toBe('signed-out');
    expect((await context.cookies(server.origin)).map((c) => c.name)).toEqual([]);

    // The next step's code (the one of enable is spent; ±1 step is accepted).
    await page.fill('#mfa-code', totp(secret, Date.now() + 30_000));
    await click(page, 'verify');
    expect(await view(page)).toMatchObject({ state: 'signed-in', user: address, error: '–' });
    expect(await page.locator('#aal').textContent()).toBe('2 (password, totp)');
    await click(page, 'secure');
    expect((await view(page)).error).toBe('–');
    expect(await page.locator('#secure-result').textContent()).toBe(`aal 2 for ${address}`);
    await page.close();
  });
});

describe('passkeys on the demo page in headless Chromium', () => {
  // Both with the browser's JSON helpers and with the SDK's base64url
  // fallback (the helpers removed before the page loads).
  it.each([
    ['JSON helpers', false],
    ['base64url fallback', true],
  ])('registers a passkey, signs out, signs in with it at aal 2, then uses it as the second factor (%s)', async (_, fallback) => {
    // The relying party is localhost (the example server's default): the
    // page must run on http://localhost:<port>, not 127.0.0.1.
    const origin = server.origin.replace('127.0.0.1', 'localhost');
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    if (fallback) {
      await page.addInitScript(() => {
        const pkc = PublicKeyCredential as unknown as Record<string, unknown>;
        delete pkc.parseCreationOptionsFromJSON;
        delete pkc.parseRequestOptionsFromJSON;
        delete (PublicKeyCredential.prototype as unknown as Record<string, unknown>).toJSON;
      });
    }
    page.on('pageerror', (err) => console.error('page error:', err));
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await page.goto(`${origin}/demo/`);
    await page.waitForFunction(() => Number(document.getElementById('last')?.dataset.seq) >= 1);

    expect(await page.evaluate(() => typeof (PublicKeyCredential as unknown as Record<string, unknown>).parseCreationOptionsFromJSON)).toBe(
      fallback ? 'undefined' : 'function',
    );
    const address = email('passkey');
    await page.fill('#email', address);
    await page.fill('#password', PASSWORD);
    await click(page, 'sign-up');
    expect(await view(page)).toMatchObject({ state: 'signed-in', user: address, error: '–' });

    await page.fill('#passkey-name', 'Virtual');
    await click(page, 'passkey-register');
    expect((await view(page)).error).toBe('–');
    expect(await page.locator('#passkeys').textContent()).toBe('Virtual');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    expect(credentials[0]!.rpId).toBe('localhost');

    // Sign out, then sign in with the passkey alone.
    await click(page, 'sign-out');
    expect((await view(page)).state).toBe('signed-out');
    await click(page, 'passkey-sign-in');
    expect(await view(page)).toMatchObject({ state: 'signed-in', user: address, error: '–' });
    expect(await page.locator('#aal').textContent()).toBe('2 (passkey)');
    await click(page, 'secure');
    expect(await page.locator('#secure-result').textContent()).toBe(`aal 2 for ${address}`);

    // The password now needs the passkey as its second factor.
    await click(page, 'sign-out');
    await click(page, 'sign-in');
    expect(await page.locator('#verify-passkey').isHidden()).toBe(false);
    expect((await view(page)).state).toBe('signed-out');
    await click(page, 'verify-passkey');
    expect(await view(page)).toMatchObject({ state: 'signed-in', user: address, error: '–' });
    expect(await page.locator('#aal').textContent()).toBe('2 (password, passkey)');
    await ctx.close();
  });
});

describe('useSession (@fastauth/sdk/react) in headless Chromium', () => {
  // The page lives on the example server's origin (so its cookies are the
  // server's) but is served by the test: Playwright answers /react-test/.
  async function openReactPage(): Promise<{ page: Page; authRequests: string[] }> {
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err));
    const authRequests: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/auth/')) authRequests.push(`${r.method()} ${url.pathname}`);
    });
    await page.route(`${server.origin}/react-test/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path.endsWith('/app.js')) return route.fulfill({ contentType: 'text/javascript', body: reactBundle });
      return route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="/react-test/app.js"></script>',
      });
    });
    await page.goto(`${server.origin}/react-test/`);
    return { page, authRequests };
  }

  const status = (page: Page) => page.locator('#session').getAttribute('data-status');
  const waitStatus = (page: Page, want: string) =>
    page.waitForFunction((w) => document.getElementById('session')?.dataset.status === w, want, { timeout: 20_000 });

  let reactBundle = '';
  beforeAll(async () => {
    const { build } = await import('esbuild');
    const out = await build({
      entryPoints: [resolve(import.meta.dirname, 'react-app.ts')],
      bundle: true,
      format: 'esm',
      target: 'es2022',
      write: false,
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    reactBundle = out.outputFiles[0]!.text;
  });

  it('starts with one request, follows sign-up, expiry and sign-out', async () => {
    await context.clearCookies();
    const { page, authRequests } = await openReactPage();
    await waitStatus(page, 'signedOut');
    await page.waitForTimeout(300); // nothing else follows
    expect(authRequests).toEqual(['GET /auth/session']); // one request, no refresh, no 401

    const address = email('react');
    await page.evaluate(([e, p]) => (window as unknown as { fastauth: Fastauth }).fastauth.signUp(e!, p!), [address, PASSWORD]);
    await waitStatus(page, 'signedIn');
    expect(await page.locator('#session').textContent()).toBe(`${address} in Personal`);

    // A new page of the signed-in browser: still one request.
    const second = await openReactPage();
    await waitStatus(second.page, 'signedIn');
    await second.page.waitForTimeout(300);
    expect(second.authRequests).toEqual(['GET /auth/session']);

    // After expiry the browser still sends the expired cookie: token_expired,
    // one refresh, the same question again.
    await pastExpiry();
    const third = await openReactPage();
    await waitStatus(third.page, 'signedIn');
    // The refresh answer already signs the store in; the retried question
    // follows it, so wait for it rather than race it.
    await expect
      .poll(() => third.authRequests, { timeout: 10_000 })
      .toEqual(['GET /auth/session', 'POST /auth/refresh', 'GET /auth/session']);

    // Sign out in one page: the other learns it at its next call.
    await third.page.evaluate(() => (window as unknown as { fastauth: Fastauth }).fastauth.signOut());
    await waitStatus(third.page, 'signedOut');
    await second.page.evaluate(() => (window as unknown as { fastauth: Fastauth }).fastauth.me().catch(() => undefined));
    await waitStatus(second.page, 'signedOut');
    expect(await status(page)).toBe('signedIn'); // a page that made no call yet does not know
    for (const p of [page, second.page, third.page]) await p.close();
  });
});

describe('roles editor on the demo page in headless Chromium', () => {
  it('lists, creates, changes and deletes a custom role of the active organization', async () => {
    await context.clearCookies();
    const address = email('roles');
    const page = await openDemo();
    await page.fill('#email', address);
    await page.fill('#password', PASSWORD);
    await click(page, 'sign-up');
    // A personal workspace lists the built-in roles only.
    await click(page, 'roles-load');
    expect(await page.locator('#roles tbody tr').count()).toBe(3);
    expect(await page.locator('#catalog').textContent()).toContain('billing:manage');
    // A shared organization, made active (the demo page has no button for it).
    await page.evaluate(async () => {
      const created = await fetch('/auth/organizations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Acme' }),
      }).then((r) => r.json());
      await fetch('/auth/organizations/current', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ organization_id: created.organization.id }),
      });
    });
    await click(page, 'me');
    await page.fill('#role-name', 'billing');
    await page.fill('#role-permissions', 'billing:manage, project:read, project:read');
    await click(page, 'role-save');
    expect((await view(page)).error).toBe('–');
    const row = page.locator('#roles tbody tr[data-role="billing"]');
    expect(await row.locator('td').nth(1).textContent()).toBe('billing:manage, project:read');
    await page.fill('#role-permissions', 'project:write');
    await click(page, 'role-save');
    expect(await row.locator('td').nth(1).textContent()).toBe('project:write');
    const before = Number(await page.locator('#last').getAttribute('data-seq'));
    await row.locator('button').click();
    await page.waitForFunction((n) => Number(document.getElementById('last')?.dataset.seq) > n, before, { timeout: 20_000 });
    expect(await page.locator('#roles tbody tr').count()).toBe(3);
  });
});
