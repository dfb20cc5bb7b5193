// Runs the SDK against the real example server (SQLite, 2 s access tokens):
// real HTTP, real cookies (a small jar stands in for the browser's).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFastauth, createSessionStore, FastauthError, type SessionSnapshot, type SignedOutEvent } from '../src/index.js';
import { CookieJar, email, PASSWORD, sleep, startServer, type TestServer } from './server.js';
import { totp } from './totp.js';

const ACCESS_TTL_MS = 2000;
// Past the access token's lifetime (and its cookie's Max-Age).
const pastExpiry = () => sleep(ACCESS_TTL_MS + 700);

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ accessTTL: `${ACCESS_TTL_MS / 1000}s` });
});

afterAll(async () => {
  await server?.stop();
});

function newClient(jar = new CookieJar(), onSignedOut?: (e: SignedOutEvent) => void) {
  const sdk = createFastauth({
    baseUrl: server.authUrl,
    fetch: jar.fetch,
    ...(onSignedOut ? { onSignedOut } : {}),
  });
  return { sdk, jar };
}

async function signedUp(prefix = 'user') {
  const c = newClient();
  const address = email(prefix);
  const res = await c.sdk.signUp(address, PASSWORD);
  return { ...c, address, res };
}

async function expectError(p: Promise<unknown>, status: number, code: string): Promise<FastauthError> {
  const err = await p.then(
    () => {
      throw new Error(`expected ${status} ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FastauthError);
  const fe = err as FastauthError;
  expect({ status: fe.status, code: fe.code }).toEqual({ status, code });
  expect(fe.message).not.toBe('');
  return fe;
}

interface OutboxMail {
  to: string;
  kind: string;
  token: string;
}

// waitForMails polls the outbox: mail may be sent off the request's path.
async function waitForMails(address: string, kind: string, atLeast = 1): Promise<OutboxMail[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mails = mailsTo(address, kind);
    if (mails.length >= atLeast || Date.now() > deadline) return mails;
    await sleep(50);
  }
}

function mailsTo(address: string, kind: string): OutboxMail[] {
  let text = '';
  try {
    text = readFileSync(server.outbox, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OutboxMail)
    .filter((m) => m.to === address && m.kind === kind);
}

describe('account', () => {
  it('signs up, sees the user, signs in again', async () => {
    const { sdk, address, res, jar } = await signedUp();
    expect(res.user.email).toBe(address);
    expect(res.organization.kind).toBe('personal');
    expect(res.organization.role).toBe('owner');
    expect(res.auth_role).toBe('authenticated');
    expect(jar.has('access_token')).toBe(true);
    expect(jar.has('refresh_token')).toBe(true);

    const me = await sdk.me();
    expect(me.user.id).toBe(res.user.id);
    expect(me.organization.id).toBe(res.organization.id);

    const again = newClient();
    const signIn = await again.sdk.signIn(address, PASSWORD);
    expect(signIn.user.id).toBe(res.user.id);
    expect((await again.sdk.me()).user.email).toBe(address);
  });

  it('types the server errors by code', async () => {
    const { address } = await signedUp();
    const { sdk } = newClient();
    await expectError(sdk.signUp(address, PASSWORD), 409, 'user_already_exists');
    await expectError(sdk.signIn(address, 'wrong-password-1'), 401, 'invalid_credentials');
    await expectError(sdk.signUp('not-an-email', PASSWORD), 400, 'invalid_email');
    await expectError(sdk.signUp(email(), 'short'), 400, 'weak_password');
    // Never signed in: invalid_token, and no refresh (only token_expired asks for one).
    const fe = await expectError(sdk.me(), 401, 'invalid_token');
    expect(fe).toBeInstanceOf(Error);
    expect(sdk.session.refreshCount).toBe(0);
  });

  it('changes the password and keeps the current session', async () => {
    const { sdk, address } = await signedUp();
    await expectError(sdk.password.change('wrong-password-1', 'new-password-2'), 401, 'invalid_credentials');
    expect((await sdk.password.change(PASSWORD, 'new-password-2')).status).toBe('password_changed');
    expect((await sdk.me()).user.email).toBe(address);
    await expectError(newClient().sdk.signIn(address, PASSWORD), 401, 'invalid_credentials');
    await newClient().sdk.signIn(address, 'new-password-2');
  });

  it('resets a forgotten password with the mailed token', async () => {
    const { address } = await signedUp();
    const { sdk } = newClient();
    expect((await sdk.password.forgot(address)).status).toBeTruthy();
    const mails = await waitForMails(address, 'password_reset');
    expect(mails.length).toBe(1);
    await expectError(sdk.password.reset('not-a-token', 'brand-new-pass-3'), 401, 'invalid_token');
    const reset = await sdk.password.reset(mails[0]!.token, 'brand-new-pass-3');
    expect(reset).toEqual({ status: 'password_reset', api_keys_revoked: 0 });
    await sdk.signIn(address, 'brand-new-pass-3');
  });

  it('confirms the email address with the mailed token', async () => {
    const { sdk, address, res } = await signedUp();
    expect(res.user.email_confirmed_at).toBeNull();
    await sdk.email.sendConfirmation(address);
    const mails = await waitForMails(address, 'email_confirm');
    expect(mails.length).toBeGreaterThanOrEqual(1);
    const confirmed = await sdk.email.confirm(mails.at(-1)!.token);
    expect(confirmed.user.email_confirmed_at).toBeTruthy();
    expect((await sdk.me()).user.email_confirmed_at).toBeTruthy();
    await expectError(sdk.email.confirmLink(mails.at(-1)!.token), 401, 'invalid_token');
  });
});

describe('expiry and transparent refresh', () => {
  it('refreshes once and retries when the access token has expired', async () => {
    const { sdk, jar } = await signedUp();
    const before = server.refreshes();
    await pastExpiry();
    // The access cookie lives as long as the session, so the expired token
    // is still sent and the server answers token_expired, not invalid_token.
    expect(jar.has('access_token')).toBe(true);
    const raw = await jar.fetch(new Request(`${server.authUrl}/me`));
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as { code: string }).code).toBe('token_expired');
    const me = await sdk.me();
    expect(me.user.email).toBeTruthy();
    expect(sdk.session.refreshCount).toBe(1);
    expect(server.refreshes() - before).toBe(1);
  });

  it('never refreshes on invalid_token: there is no session to recover', async () => {
    const events: SignedOutEvent[] = [];
    const { sdk, jar } = newClient(undefined, (e) => events.push(e));
    const before = server.refreshes();
    await expectError(sdk.me(), 401, 'invalid_token');
    await expectError(sdk.organizations.list(), 401, 'invalid_token');
    expect(sdk.session.refreshCount).toBe(0);
    expect(server.refreshes() - before).toBe(0);
    expect(events.map((e) => e.error.code)).toEqual(['invalid_token', 'invalid_token']);
    // A wrong current password is a 401 too, but says nothing about the session.
    await sdk.signUp(email(), PASSWORD);
    await expectError(sdk.password.change('wrong-password-1', 'new-password-2'), 401, 'invalid_credentials');
    expect(events).toHaveLength(2);
    expect(jar.has('access_token')).toBe(true);
  });

  it('getSession: one request for an anonymous visitor, the session when signed in, a refresh after expiry', async () => {
    const sessionRequests = () => server.output().split('\n').filter((l) => l.includes('path=/auth/session ')).length;
    const anonymous = newClient();
    let before = sessionRequests();
    const refreshesBefore = server.refreshes();
    expect(await anonymous.sdk.getSession()).toBeNull();
    expect(sessionRequests() - before).toBe(1);
    expect(server.refreshes() - refreshesBefore).toBe(0);

    const { sdk, res } = await signedUp();
    expect(await sdk.getSession()).toEqual(res);
    await pastExpiry();
    before = sessionRequests();
    expect(await sdk.getSession()).toEqual(res);
    expect(sdk.session.refreshCount).toBe(1);
    expect(sessionRequests() - before).toBe(2); // 401 token_expired, then the retry
    await sdk.signOut();
    expect(await sdk.getSession()).toBeNull();
  });

  it("session.fetch refreshes around the application's own calls; session.refresh() on demand", async () => {
    const { sdk, res } = await signedUp();
    await pastExpiry();
    const whoami = await sdk.session.fetch(`${server.origin}/api/whoami`);
    expect(whoami.status).toBe(200);
    expect(((await whoami.json()) as { user_id: string }).user_id).toBe(res.user.id);
    expect(sdk.session.refreshCount).toBe(1);
    // Explicit refresh: single flight for concurrent callers.
    const [a, b] = await Promise.all([sdk.session.refresh(), sdk.session.refresh()]);
    expect([a, b]).toEqual([true, true]);
    expect(sdk.session.refreshCount).toBe(2);
    expect(await newClient().sdk.session.refresh()).toBe(false);
  });

  it('shares one refresh between concurrent callers', async () => {
    const { sdk } = await signedUp();
    await pastExpiry();
    const before = server.refreshes();
    const results = await Promise.all([sdk.me(), sdk.organizations.list(), sdk.sessions.list(), sdk.me(), sdk.apiKeys.list()]);
    expect(results).toHaveLength(5);
    expect(sdk.session.refreshCount).toBe(1);
    expect(server.refreshes() - before).toBe(1);
  });

  it('retries once even when the refresh fails, then reports signed out', async () => {
    const events: SignedOutEvent[] = [];
    const jar = new CookieJar();
    const { sdk } = newClient(jar, (e) => events.push(e));
    await sdk.signUp(email(), PASSWORD);
    jar.delete('refresh_token');
    await pastExpiry();
    const before = server.output().split('\n').filter((l) => l.includes('path=/auth/me ')).length;
    await expectError(sdk.me(), 401, 'invalid_token');
    const after = server.output().split('\n').filter((l) => l.includes('path=/auth/me ')).length;
    expect(after - before).toBe(2); // the call and its single retry
    expect(sdk.session.refreshCount).toBe(1);
    expect(events).toHaveLength(1);
    expect(events[0]!.error.code).toBe('invalid_token');
    // The failed refresh cleared the access cookie: the next call does not refresh again.
    expect(jar.has('access_token')).toBe(false);
    await expectError(sdk.me(), 401, 'invalid_token');
    expect(sdk.session.refreshCount).toBe(1);
  });

  it('a second tab sharing the cookies stays signed in when its own refresh loses the race', async () => {
    const jar = new CookieJar();
    const tab1 = newClient(jar).sdk;
    const tab2 = newClient(jar).sdk; // same cookie jar: another tab of one browser
    await tab1.signUp(email(), PASSWORD);
    await pastExpiry();
    const before = server.refreshes();
    const [a, b] = await Promise.all([tab1.me(), tab2.me()]);
    expect(a.user.id).toBe(b.user.id);
    expect(tab1.session.refreshCount).toBeLessThanOrEqual(1);
    expect(tab2.session.refreshCount).toBeLessThanOrEqual(1);
    expect(server.refreshes() - before).toBeLessThanOrEqual(2);
    expect((await tab2.me()).user.id).toBe(a.user.id);
  });
});

describe('sessions', () => {
  it('lists, revokes one and revokes the others', async () => {
    const { sdk, address } = await signedUp();
    const other = newClient();
    await other.sdk.signIn(address, PASSWORD);
    const third = newClient();
    await third.sdk.signIn(address, PASSWORD);

    const list = await sdk.sessions.list();
    expect(list).toHaveLength(3);
    expect(list.filter((s) => s.current)).toHaveLength(1);

    const otherId = (await other.sdk.sessions.list()).find((s) => s.current)!.id;
    const revoked = await sdk.sessions.revoke(otherId);
    expect(revoked.id).toBe(otherId);
    await expectError(sdk.sessions.revoke(otherId), 404, 'session_not_found');

    const res = await sdk.sessions.revokeOthers();
    expect(res.revoked).toBe(1);
    expect(await sdk.sessions.list()).toHaveLength(1);
  });
});

describe('API keys', () => {
  it('creates, lists, uses and deletes a key; a key call never refreshes', async () => {
    const { sdk, res } = await signedUp();
    const created = await sdk.apiKeys.create('ci', new Date(Date.now() + 3600_000));
    expect(created.key).toMatch(/^sk-[0-9a-f]{64}$/);
    expect(created.key_prefix).toBe(created.key.slice(3, 15));
    expect(created.organization_id).toBe(res.organization.id);

    await sdk.apiKeys.create('second');
    const page = await sdk.apiKeys.list({ limit: 1, sortBy: 'name', sortOrder: 'asc' });
    expect(page.total).toBe(2);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.name).toBe('ci');
    expect(page.items[0]).not.toHaveProperty('key'); // the plaintext is shown once, at creation
    await expectError(sdk.apiKeys.list({ limit: 1000 }), 400, 'invalid_request');

    const machine = createFastauth({ baseUrl: server.authUrl, apiKey: created.key });
    expect((await machine.me()).user.id).toBe(res.user.id);
    expect((await machine.organizations.list()).length).toBeGreaterThanOrEqual(1);
    // Browser-session routes refuse keys; a key cannot create keys.
    await expectError(machine.sessions.list(), 403, 'forbidden');
    await expectError(machine.apiKeys.create('successor'), 403, 'forbidden');

    const deleted = await sdk.apiKeys.delete(created.id);
    expect(deleted.id).toBe(created.id);
    await expectError(machine.me(), 401, 'invalid_token');
    expect(machine.session.refreshCount).toBe(0);
    await expectError(sdk.apiKeys.delete(created.id), 404, 'api_key_not_found');
  });
});

describe('organizations', () => {
  it('creates, renames, switches, invites, manages members and deletes', async () => {
    const owner = await signedUp('owner');
    const org = await owner.sdk.organizations.create('Acme');
    expect(org.organization.kind).toBe('shared');
    expect(org.organization.name).toBe('Acme');
    expect(org.role).toBe('owner');
    const orgId = org.organization.id;

    expect((await owner.sdk.organizations.list()).map((m) => m.organization.id)).toContain(orgId);
    expect((await owner.sdk.organizations.get(orgId)).organization.name).toBe('Acme');
    expect((await owner.sdk.organizations.rename(orgId, 'Acme Inc')).organization.name).toBe('Acme Inc');

    const switched = await owner.sdk.organizations.switch(orgId);
    expect(switched.organization.id).toBe(orgId);
    expect((await owner.sdk.me()).organization.id).toBe(orgId);

    // Invite a member, who accepts.
    const memberAddress = email('member');
    const member = newClient();
    await member.sdk.signUp(memberAddress, PASSWORD);
    const invite = await owner.sdk.organizations.invites.create(orgId, memberAddress, 'member');
    expect(invite.token).toBeTruthy();
    expect(invite.organization_name).toBe('Acme Inc');
    expect((await owner.sdk.organizations.invites.list(orgId)).map((i) => i.id)).toContain(invite.id);
    const accepted = await member.sdk.organizations.invites.accept(invite.token);
    expect(accepted.organization.id).toBe(orgId);
    expect(accepted.organization.role).toBe('member');
    await expectError(member.sdk.organizations.invites.accept(invite.token), 404, 'invite_not_found');

    // A non-member does not see the organization.
    const stranger = await signedUp('stranger');
    await expectError(stranger.sdk.organizations.get(orgId), 404, 'organization_not_found');

    // Roster and roles.
    const roster = await owner.sdk.organizations.members.list(orgId);
    expect(roster.map((m) => m.role).sort()).toEqual(['member', 'owner']);
    const memberId = accepted.user.id;
    await expectError(member.sdk.organizations.members.list(orgId), 403, 'forbidden');
    const promoted = await owner.sdk.organizations.members.changeRole(orgId, memberId, 'admin');
    expect(promoted.role).toBe('admin');

    // Revoke an invite.
    const pending = await owner.sdk.organizations.invites.create(orgId, email('pending'), 'member');
    const revokedInvite = await owner.sdk.organizations.invites.revoke(orgId, pending.id);
    expect(revokedInvite.revoked_at).toBeTruthy();

    // Remove the member, then delete the organization.
    const removed = await owner.sdk.organizations.members.remove(orgId, memberId);
    expect(removed.user_id).toBe(memberId);
    await expectError(member.sdk.organizations.get(orgId), 404, 'organization_not_found');
    const deleted = await owner.sdk.organizations.delete(orgId);
    expect(deleted.organization.id).toBe(orgId);
    // The owner falls back to the personal workspace.
    expect((await owner.sdk.me()).organization.kind).toBe('personal');
    // The personal workspace cannot be deleted.
    await expectError(owner.sdk.organizations.delete(owner.res.organization.id), 403, 'forbidden');
  });
});

describe('audit log', () => {
  it("pages the organization's audit log and my security log", async () => {
    const owner = await signedUp('auditor');
    const orgId = (await owner.sdk.organizations.create('Audited')).organization.id;
    await owner.sdk.organizations.rename(orgId, 'Audited Inc');
    await owner.sdk.organizations.invites.create(orgId, email('invitee'), 'member');

    const first = await owner.sdk.getAuditLog(orgId, { limit: 2 });
    expect(first.items.map((e) => e.type)).toEqual(['invite.created', 'organization.updated']);
    expect(first.next_before).toBeTruthy();
    const rest = await owner.sdk.getAuditLog(orgId, { before: first.next_before ?? undefined });
    expect(rest.items.map((e) => e.type)).toContain('organization.created');
    expect(rest.next_before).toBeNull();
    const created = await owner.sdk.getAuditLog(orgId, { type: 'organization.created' });
    expect(created.items).toHaveLength(1);
    expect(created.items[0]?.organization_id).toBe(orgId);
    await expectError(owner.sdk.getAuditLog(orgId, { limit: 0 }), 400, 'invalid_request');
    const stranger = await signedUp('stranger');
    await expectError(stranger.sdk.getAuditLog(orgId), 404, 'organization_not_found');

    const mine = await owner.sdk.getSecurityLog();
    expect(mine.items.map((e) => e.type)).toContain('user.signed_up');
  });
});

describe('session store', () => {
  it('starts with one request and follows the client: sign-up, sign-in, expiry, sign-out, a 401 elsewhere', async () => {
    const { sdk } = newClient();
    const store = createSessionStore(sdk);
    const seen: SessionSnapshot[] = [];
    store.subscribe(() => seen.push(store.getSnapshot()));
    expect(store.getSnapshot()).toEqual({ status: 'loading', session: null, error: null });

    const [a, b] = await Promise.all([store.load(), store.load()]); // single flight
    expect(a).toBe(b);
    expect(a.status).toBe('signedOut');

    // Sign-up: the store asks the server (cookies are set unless confirmation is required).
    const address = email('store');
    const up = await sdk.signUp(address, PASSWORD);
    await vi.waitFor(() => expect(store.getSnapshot().status).toBe('signedIn'));
    const snap = store.getSnapshot();
    if (snap.status !== 'signedIn') throw new Error('not signed in');
    expect(snap.session).toEqual(up);

    // A refresh after expiry keeps the snapshot (same content: no new snapshot).
    const count = seen.length;
    await pastExpiry();
    await sdk.organizations.list();
    expect(sdk.session.refreshCount).toBe(1);
    expect(store.getSnapshot()).toBe(snap);
    expect(seen).toHaveLength(count);

    // Switching the organization shows at once.
    const org = await sdk.organizations.create('Store Inc');
    await sdk.organizations.switch(org.organization.id);
    const switched = store.getSnapshot();
    expect(switched.status === 'signedIn' && switched.session.organization.name).toBe('Store Inc');

    await sdk.signOut();
    expect(store.getSnapshot().status).toBe('signedOut');
    await sdk.signIn(address, PASSWORD);
    expect(store.getSnapshot().status).toBe('signedIn');

    // Signed out from another device: once the token expires, the failed refresh's 401 empties the store.
    const other = newClient();
    await other.sdk.signIn(address, PASSWORD);
    await other.sdk.sessions.revokeOthers();
    await pastExpiry();
    await expectError(sdk.me(), 401, 'invalid_token');
    expect(store.getSnapshot().status).toBe('signedOut');
    store.close();
  });

  it('drops an answer that a newer change overtook, and records errors', async () => {
    const jar = new CookieJar();
    let hold: (() => void) | null = null;
    // Delays the first GET /session until the test lets it go.
    const slow = async (request: Request) => {
      if (request.url.endsWith('/session') && hold === null) {
        await new Promise<void>((resolve) => (hold = resolve));
      }
      return jar.fetch(request);
    };
    const sdk = createFastauth({ baseUrl: server.authUrl, fetch: slow });
    const store = createSessionStore(sdk);
    const loading = store.load(); // sent anonymous, held
    await vi.waitFor(() => expect(hold).not.toBeNull());
    const address = email('race');
    await createFastauth({ baseUrl: server.authUrl, fetch: jar.fetch }).signUp(address, PASSWORD);
    await sdk.signIn(address, PASSWORD);
    expect(store.getSnapshot().status).toBe('signedIn');
    hold!();
    await loading;
    expect(store.getSnapshot().status).toBe('signedIn'); // the stale answer did not win

    const down = createFastauth({ baseUrl: 'http://127.0.0.1:9/auth', fetch: (r) => fetch(r) });
    const broken = createSessionStore(down);
    const snap = await broken.load();
    if (snap.status !== 'error') throw new Error(`status ${snap.status}, want error`);
    expect(snap.error.code).toBe('network_error');
  });
});

describe('second factor', () => {
  it('sets up TOTP, signs in through mfa_required, steps up, regenerates and disables', async () => {
    const { sdk, address } = await signedUp('mfa');
    expect(await sdk.mfa.getMfaStatus()).toEqual({ totp_enabled: false, recovery_codes_remaining: 0, passkeys: 0 });
    await expectError(sdk.mfa.enableTotp('123456'), 400, 'mfa_setup_required');
    const setup = await sdk.mfa.setupTotp();
    expect(setup.qr_code).toMatch(/^data:image\/png;base64,/);
    const now = Date.now();
    const { recovery_codes } = await sdk.mfa.enableTotp(totp(setup.secret, now));
    expect(recovery_codes).toHaveLength(10);
    await expectError(sdk.mfa.setupTotp(), 409, 'mfa_already_enabled');

    // A second device: the password alone answers mfa_required, no cookie.
    const other = newClient();
    await expectError(other.sdk.signIn(address, PASSWORD), 403, 'mfa_required');
    const result = await other.sdk.signInWithSecondFactor(address, PASSWORD);
    if (result.type !== 'mfaRequired') throw new Error('want mfaRequired');
    expect(result.methods).toEqual(['totp', 'recovery_code']);
    expect(result.mfaToken).toMatch(/^mfa_[0-9a-f]{64}$/);
    await expectError(other.sdk.me(), 401, 'invalid_token');
    await expectError(result.verify(totp(setup.secret, now)), 401, 'invalid_mfa_code'); // spent by enable
    await expectError(result.verify('12'), 400, 'invalid_request');
    const session = await result.verify(recovery_codes[0]!);
    expect(session.session).toEqual({ aal: 2, amr: ['password', 'recovery_code'] });
    await expectError(result.verify(recovery_codes[1]!), 401, 'mfa_token_invalid'); // single use

    // A third device steps up with a recovery code.
    const third = newClient();
    const r3 = await third.sdk.signInWithSecondFactor(address, PASSWORD);
    if (r3.type !== 'mfaRequired') throw new Error('want mfaRequired');
    await r3.verify(recovery_codes[1]!);
    expect((await sdk.mfa.stepUp(recovery_codes[2]!)).session).toEqual({ aal: 2, amr: ['password', 'totp', 'recovery_code'] });
    expect((await sdk.mfa.getMfaStatus()).recovery_codes_remaining).toBe(7);

    const fresh = await sdk.mfa.regenerateRecoveryCodes(totp(setup.secret, now + 30_000));
    expect(fresh.recovery_codes).toHaveLength(10);
    await expectError(sdk.mfa.disableTotp(recovery_codes[3]!), 401, 'invalid_mfa_code'); // the old set is gone
    expect(await sdk.mfa.disableTotp(fresh.recovery_codes[0]!)).toEqual({ totp_enabled: false });
    const plain = await newClient().sdk.signInWithSecondFactor(address, PASSWORD);
    expect(plain.type).toBe('signedIn');

    // An API key gets 403 on the session routes.
    const key = await sdk.apiKeys.create('mfa');
    const bot = createFastauth({ baseUrl: server.authUrl, apiKey: key.key });
    await expectError(bot.mfa.getMfaStatus(), 403, 'forbidden');
  });
});

describe('sign-out', () => {
  it('clears the cookies and reports signed out afterwards', async () => {
    const events: SignedOutEvent[] = [];
    const jar = new CookieJar();
    const { sdk } = newClient(jar, (e) => events.push(e));
    await sdk.signUp(email(), PASSWORD);
    expect((await sdk.signOut()).status).toBe('signed_out');
    expect(jar.has('access_token')).toBe(false);
    expect(jar.has('refresh_token')).toBe(false);
    await expectError(sdk.me(), 401, 'invalid_token');
    expect(events).toHaveLength(1);
  });
});


describe('sign-in with a provider', () => {
  it('builds the start URL and reads what the callback returned', () => {
    const sdk = createFastauth({ baseUrl: 'https://api.example/auth/' });
    expect(sdk.providerStartUrl('google')).toBe('https://api.example/auth/oauth/google/start');
    expect(sdk.providerStartUrl('corp sso', '/after?x=1', true)).toBe(
      'https://api.example/auth/oauth/corp%20sso/start?redirect_to=%2Fafter%3Fx%3D1&link=true',
    );
    expect(sdk.readProviderReturn('https://app.example/after')).toEqual({ type: 'none' });
    expect(sdk.readProviderReturn('https://app.example/after?x=1&auth_error=account_exists')).toEqual({
      type: 'error',
      code: 'account_exists',
    });
    const mfa = sdk.readProviderReturn(`https://app.example/after#mfa_token=mfa_${'a'.repeat(64)}&methods=totp%2Crecovery_code`);
    expect(mfa.type).toBe('mfaRequired');
    if (mfa.type === 'mfaRequired') {
      expect(mfa.mfaToken).toBe(`mfa_${'a'.repeat(64)}`);
      expect(mfa.methods).toEqual(['totp', 'recovery_code']);
    }
  });

  it('lists identities (none for a password account), refuses an unknown one, starts a flow', async () => {
    const { sdk } = await signedUp('identities');
    expect(await sdk.listIdentities()).toEqual([]);
    await expectError(sdk.unlinkIdentity('0190a0a0-0000-7000-8000-000000000000'), 404, 'identity_not_found');
    const res = await fetch(sdk.providerStartUrl('nope', '/'), { redirect: 'manual' });
    expect(res.status).toBe(404);
    const bad = await fetch(sdk.providerStartUrl('google', '//evil.example/'), { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('invalid_redirect');
  });
});
