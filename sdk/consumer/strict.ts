// A consumer of @fastauth/sdk under `tsc --strict`, compiled by
// scripts/check-pack.mjs against the packed tarball: every field the server
// always sends is typed as present, so no `!` and no `?.` are needed, and
// what is absent is absent from the types.
import {
  createFastauth,
  createSessionStore,
  FastauthError,
  type ApiKeyBody,
  type AuthResponse,
  type CreatedApiKeyBody,
  type CreatedInviteBody,
  type FastauthErrorCode,
  type SessionChange,
  type SessionEvent,
  type SessionSnapshot,
} from '@fastauth/sdk';

const auth = createFastauth({ baseUrl: '/auth', onSignedOut: ({ error }) => console.log(error.status, error.code) });

export async function tour(): Promise<string[]> {
  const out: string[] = [];
  const up: AuthResponse = await auth.signUp('ada@example.com', 'correct-horse-9');
  out.push(up.user.id, up.user.email, up.organization.id, up.organization.kind, up.organization.name, up.organization.role, up.auth_role);
  const confirmedAt: string | null = up.user.email_confirmed_at;
  if (confirmedAt !== null) out.push(confirmedAt);

  const session = await auth.getSession();
  if (session) out.push(session.user.email, session.organization.role);

  const key: CreatedApiKeyBody = await auth.apiKeys.create('ci');
  const plaintext: string = key.key;
  out.push(plaintext, key.id, key.key_prefix, key.created_at);
  const expires: string | null = key.expires_at;
  if (expires !== null) out.push(expires);

  const page = await auth.apiKeys.list({ limit: 10, sortBy: 'name', sortOrder: 'asc' });
  out.push(String(page.total), String(page.limit), String(page.offset));
  for (const k of page.items) {
    const listed: ApiKeyBody = k;
    out.push(listed.name, listed.last_used_at ?? 'never');
    // @ts-expect-error a listed key carries no plaintext
    out.push(listed.key);
  }

  const org = await auth.organizations.create('Acme');
  out.push(org.organization.id, org.organization.kind, org.organization.created_at, org.role, org.user_id, org.email, org.created_at);
  const invite: CreatedInviteBody = await auth.organizations.invites.create(org.organization.id, 'grace@example.com', 'admin');
  out.push(invite.token, invite.email, invite.role, invite.organization_name, invite.expires_at);
  for (const i of await auth.organizations.invites.list(org.organization.id)) {
    out.push(i.id, i.revoked_at ?? 'pending');
    // @ts-expect-error a listed invite carries no token
    out.push(i.token);
  }
  for (const m of await auth.organizations.members.list(org.organization.id)) out.push(m.user_id, m.role);
  for (const s of await auth.sessions.list()) out.push(s.id, s.created_at, s.expires_at, s.ip, s.user_agent, String(s.current));
  const revoked = await auth.sessions.revokeOthers();
  out.push(String(revoked.revoked));
  const switched = await auth.organizations.switch(org.organization.id);
  out.push(switched.organization.name);
  const status = await auth.password.forgot('ada@example.com');
  out.push(status.status);
  return out;
}

export function describe(err: unknown): string {
  if (!(err instanceof FastauthError)) return String(err);
  const code: FastauthErrorCode = err.code;
  switch (code) {
    case 'rate_limited':
    case 'store_unavailable':
      return `retry in ${err.retryAfter ?? 1}s`;
    case 'token_expired':
    case 'invalid_token':
      return 'signed out';
    default:
      return `${err.status} ${code}: ${err.message}`;
  }
}

export function follow(): () => void {
  const stop1 = auth.session.subscribe((e: SessionEvent) => {
    if (e.type === 'refreshed') console.log('refreshed', e.session.user.email);
    else console.log('signed out', e.error.code);
  });
  const stop2 = auth.subscribe((c: SessionChange) => {
    if (c.type === 'signedIn') console.log(c.session.organization.name);
  });
  const store = createSessionStore(auth);
  const stop3 = store.subscribe(() => {
    const s: SessionSnapshot = store.getSnapshot();
    if (s.status === 'signedIn') console.log(s.session.user.email);
    if (s.status === 'error') console.log(s.error.code, s.error.status);
  });
  return () => {
    stop1();
    stop2();
    stop3();
    store.close();
  };
}
