// The account pages of the ui module (/auth/ui/) in Debian's headless
// Chromium (never a downloaded one), end to end against the example
// server: sign-up → confirm → sign-in → second factor → account settings
// → create an organization → invite → accept in a second browser context
// → roles (when a roles module is mounted) → sign out. Every page is
// checked with axe-core (no serious or critical violation, light and
// dark), no console error may appear, and each step leaves a screenshot
// in test-results/ui (kept by CI as artifacts).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { email, PASSWORD, sleep, startServer, type TestServer } from './server.js';
import { totp } from './totp.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(import.meta.dirname, '..', 'test-results', 'ui');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server: TestServer;
let browser: Browser;
const consoleErrors: string[] = [];
// Chromium logs every 4xx answer of a fetch as a console error; the one
// answer a step expects (the 403 mfa_required of a sign-in with a second
// factor) is allowed once per such step.
let allowedErrors: RegExp[] = [];
let shot = 0;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ accessTTL: '60s', env: { AUTH_REQUIRE_EMAIL_CONFIRMATION: 'true', AUTH_UI: 'true' } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function newContext(): Promise<BrowserContext> {
  return browser.newContext({ baseURL: server.origin });
}

function watch(page: Page, who: string): Page {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const i = allowedErrors.findIndex((re) => re.test(text));
    if (i >= 0) allowedErrors.splice(i, 1);
    else consoleErrors.push(`${who} ${page.url()}: ${text}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`${who} ${page.url()}: ${err.message}`));
  return page;
}

// check runs axe on the page (every rule in light, the colour contrast
// again in dark) and saves a screenshot of each.
async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('load');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
    const violations = await page.evaluate(async (dark) => {
      // @ts-expect-error axe is the global of axe-core
      const result = await window.axe.run(document, dark ? { runOnly: ['color-contrast'], resultTypes: ['violations'] } : { resultTypes: ['violations'] });
      return (result.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    }, scheme === 'dark');
    expect(violations, `${name} (${scheme})`).toEqual([]);
    shot++;
    await page.screenshot({ path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

interface OutboxMail {
  to: string;
  kind: string;
  link: string;
}

// mailTo waits for the latest mail of kind to address in the outbox.
async function mailTo(address: string, kind: string): Promise<OutboxMail> {
  for (let i = 0; i < 100; i++) {
    let lines: string[] = [];
    try {
      lines = readFileSync(server.outbox, 'utf8').trim().split('\n');
    } catch {
      // not written yet
    }
    const mails = lines.filter(Boolean).map((l) => JSON.parse(l) as OutboxMail);
    const found = mails.reverse().find((m) => m.to === address && m.kind === kind);
    if (found) return found;
    await sleep(100);
  }
  throw new Error(`no ${kind} mail to ${address}`);
}

// submit clicks a button whose form navigates, and waits for the new page.
async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function signUpAndConfirm(page: Page, address: string): Promise<void> {
  await page.fill('#email', address);
  await page.fill('#password', PASSWORD);
  await submit(page, '#sign-up');
  expect(await page.locator('#notice').textContent()).toContain('Check your mail');
  const confirm = await mailTo(address, 'email_confirm');
  expect(new URL(confirm.link).pathname).toBe('/auth/ui/confirm-email');
  await page.goto(confirm.link);
  await check(page, 'confirm-email');
  await submit(page, '#confirm');
  expect(await page.locator('#notice').textContent()).toContain('confirmed');
}

describe('account pages in headless Chromium', () => {
  it('signs up, confirms, signs in with a second factor, manages an organization, invites and signs out', async () => {
    const owner = email('ui-owner');
    const member = email('ui-member');
    const ctxA = await newContext();
    const a = watch(await ctxA.newPage(), 'A');

    // Sign-up and confirmation.
    await a.goto('/auth/ui/sign-up');
    await check(a, 'sign-up');
    await signUpAndConfirm(a, owner);

    // Sign-in (through the SDK).
    await check(a, 'sign-in');
    await a.fill('#email', owner);
    await a.fill('#password', PASSWORD);
    await submit(a, '#sign-in');
    expect(new URL(a.url()).pathname).toBe('/auth/ui/account');
    expect(await a.locator('#account-email').textContent()).toBe(owner);
    await check(a, 'account');

    // Second factor: set up TOTP, turn it on, see the recovery codes once.
    await submit(a, '#totp-setup');
    const secret = (await a.locator('#totp-secret').textContent())!.trim();
    await check(a, 'totp-setup');
    await a.fill('#enable-code', totp(secret));
    await submit(a, '#totp-enable');
    expect(await a.locator('#recovery-codes li').count()).toBe(10);
    expect(await a.locator('#mfa-state').getAttribute('data-state')).toBe('on');
    await check(a, 'recovery-codes');

    // Sign out and in again: the password, then the second factor.
    await submit(a, '#sign-out');
    expect(new URL(a.url()).pathname).toBe('/auth/ui/sign-in');
    await a.fill('#email', owner);
    await a.fill('#password', PASSWORD);
    allowedErrors.push(/status of 403/);
    await a.click('#sign-in');
    await a.locator('#mfa-form').waitFor({ state: 'visible' });
    await check(a, 'second-factor');
    await a.fill('#code', totp(secret, Date.now() + 30_000));
    await submit(a, '#mfa-verify');
    expect(new URL(a.url()).pathname).toBe('/auth/ui/account');

    // Account settings: the profile name, shown as text.
    await a.fill('#name', 'Ada <b>Lovelace</b>');
    await submit(a, '#profile-save');
    expect(await a.locator('#profile-name').textContent()).toBe('Ada <b>Lovelace</b>');
    expect(await a.locator('#profile-name b').count()).toBe(0);
    expect(await a.locator('#sessions tbody tr').count()).toBeGreaterThanOrEqual(1);

    // An organization, and an invite.
    await a.goto('/auth/ui/organizations');
    await check(a, 'organizations');
    await a.fill('#org-name', 'Acme');
    await submit(a, '#org-create');
    const orgPath = new URL(a.url()).pathname;
    expect(orgPath).toMatch(/^\/auth\/ui\/organizations\/[0-9a-f-]+$/);
    expect(await a.locator('#org-name-h').textContent()).toBe('Acme');
    await a.fill('#invite-email', member);
    await a.selectOption('#invite-role', 'admin');
    await submit(a, '#invite');
    expect(await a.locator(`#invites li[data-email="${member}"]`).count()).toBe(1);
    await check(a, 'organization');
    const invite = await mailTo(member, 'organization_invite');
    expect(new URL(invite.link).pathname).toBe('/auth/ui/accept-invite');

    // The invited person, in a second browser context: sign up from the
    // invite, confirm, sign in, accept.
    const ctxB = await newContext();
    const b = watch(await ctxB.newPage(), 'B');
    await b.goto(invite.link);
    await check(b, 'accept-invite-signed-out');
    await submit(b, '#invite-sign-up');
    await signUpAndConfirm(b, member);
    await b.fill('#email', member);
    await b.fill('#password', PASSWORD);
    await submit(b, '#sign-in');
    await b.goto(invite.link);
    expect(await b.locator('#signed-in-as').textContent()).toBe(member);
    await check(b, 'accept-invite');
    await submit(b, '#accept');
    expect(new URL(b.url()).pathname).toBe(orgPath);
    expect(await b.locator('#my-role').textContent()).toBe('admin');
    await check(b, 'organization-member');

    // Roles, when a module named roles is mounted.
    await a.reload();
    expect(await a.locator(`#members tr[data-email="${member}"]`).count()).toBe(1);
    if ((await a.locator('#role-form').count()) > 0) {
      await a.fill('#role-name', 'auditor');
      await submit(a, '#role-create');
      expect(await a.locator('#roles tr[data-role="auditor"]').count()).toBe(1);
      await check(a, 'roles');
    }

    // Sign out: the account page sends to the sign-in page.
    await submit(a, '#sign-out');
    await a.goto('/auth/ui/account');
    expect(new URL(a.url()).pathname).toBe('/auth/ui/sign-in');
    await check(a, 'signed-out');

    // Keyboard: the sign-in form is reachable and usable with Tab alone.
    await a.keyboard.press('Tab'); // skip link
    await a.keyboard.press('Tab');
    expect(await a.evaluate(() => document.activeElement?.tagName)).toBe('A');

    await ctxA.close();
    await ctxB.close();
    expect(consoleErrors).toEqual([]);
    expect(allowedErrors).toEqual([]);
  }, 150_000);
});
