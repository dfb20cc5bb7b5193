// @fastauth/sdk: typed helpers for every fastauth route, on top of the
// client generated from docs/swagger.json (src/client, do not edit), the
// session layer (src/session.ts) and a framework-free session store
// (src/store.ts; its React hook is the separate entry @fastauth/sdk/react).

import { createClient, createConfig, type Client } from './client/client/index.js';
import * as api from './client/sdk.gen.js';
import type {
  ApiKeyBody,
  ApiKeyPage,
  AuditLogPage,
  AuthResponse,
  ConfirmEmailResponse,
  CreatedApiKeyBody,
  IdentityResponse,
  CreatedInviteBody,
  InviteBody,
  MfaStatusResponse,
  OrganizationMemberBody,
  Passkey,
  PasskeyOptions,
  RecoveryCodesResponse,
  TotpDisableResponse,
  TotpSetupResponse,
  ResetPasswordResponse,
  PermissionBody,
  RevokedSessionsResponse,
  RoleBody,
  SessionBody,
  StatusResponse,
} from './client/types.gen.js';
import { FastauthError, SessionFetch, can, type SessionOptions, type SignedOutEvent } from './session.js';
import {
  ceremonyError,
  conditionalMediationAvailable,
  creationOptions,
  credentialJSON,
  requestOptions,
  type ServerOptions,
} from './webauthn.js';

export { FastauthError, SessionFetch, can };
export type { FastauthErrorCode, SessionEvent, SessionOptions, SignedOutEvent } from './session.js';
export { createSessionStore, type SessionSnapshot, type SessionStatus, type SessionStore } from './store.js';
export { conditionalMediationAvailable, fromBase64url, toBase64url } from './webauthn.js';
export type * from './client/types.gen.js';

/**
 * A member's role: a built-in one or the name of a custom role the
 * organization defined (GET /organizations/{id}/roles).
 */
export type Role = 'owner' | 'admin' | 'member' | (string & {});

/**
 * What a call taught the client about who is signed in (see
 * Fastauth.subscribe): the signed-in user and organization, signed out, or
 * `changed` when only the server can tell (after sign-up, which sets cookies
 * only when no email confirmation is required; after leaving or deleting the
 * active organization; after a password reset or revoking this session).
 */
export type SessionChange =
  | { type: 'signedIn'; session: AuthResponse }
  | { type: 'signedOut'; error?: FastauthError }
  | { type: 'changed' };

/** Options of createFastauth. */
export interface FastauthOptions {
  /**
   * URL of the auth base path: `/auth` in a page served by the same origin,
   * `https://api.example.com/auth` otherwise (the server's Config.BasePath).
   */
  baseUrl: string;
  /**
   * An API key (`sk-...`). Every request then carries
   * `Authorization: Bearer <key>` and never triggers a refresh. Leave unset
   * for browser sessions (cookies).
   */
  apiKey?: string;
  /**
   * Transport (default `globalThis.fetch`). Outside browsers pass a
   * cookie-aware fetch to use cookie sessions.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Credentials mode of every request (default `include`). */
  credentials?: RequestCredentials;
  /** Called when a cookie session could not be recovered by a refresh. */
  onSignedOut?: (event: SignedOutEvent) => void;
  /** Serialize refreshes across browser tabs with Web Locks (default true). */
  crossTab?: boolean;
  /** Pause before the retry that follows a failed refresh (default 400 ms). */
  retryAfterFailedRefreshMs?: number;
}

/**
 * The outcome of signInWithSecondFactor: signed in, or the password was
 * right and a second factor is due. `verify` then finishes the sign-in
 * with a TOTP or recovery code (the mfa_token lives 5 minutes, is single
 * use and dies after 5 wrong codes).
 */
export type SignInResult =
  | { type: 'signedIn'; session: AuthResponse }
  | {
      type: 'mfaRequired';
      mfaToken: string;
      methods: string[];
      verify: (code: string) => Promise<AuthResponse>;
      /** Finishes the sign-in with a passkey of the account (methods includes `passkey`). */
      verifyWithPasskey: () => Promise<AuthResponse>;
    };

/** Options of signInWithPasskey. */
export interface PasskeySignInOptions {
  /**
   * Conditional mediation: the browser offers the passkeys in the autofill
   * of a field with `autocomplete="username webauthn"` instead of a modal
   * dialog, and the promise resolves when the user picks one. Falls back to
   * the modal dialog where the browser does not support it.
   */
  conditional?: boolean;
  /** Aborts the ceremony (e.g. before starting a modal one over a conditional one). */
  signal?: AbortSignal;
}
/**
 * What a page learns from the URL a provider sign-in returned to
 * (readProviderReturn): nothing, a failure (`?auth_error=<code>`, such as
 * `account_exists` or `invalid_state`), or a sign-in that needs the
 * account's second factor (`#mfa_token=..&methods=..`), which `verify`
 * finishes with a TOTP or recovery code. A success needs no parameter: the
 * cookies are set.
 */
export type ProviderReturn =
  | { type: 'none' }
  | { type: 'error'; code: string }
  | {
      type: 'mfaRequired';
      mfaToken: string;
      methods: string[];
      verify: (code: string) => Promise<AuthResponse>;
    };

/** Query of the API-key list. Out-of-range values give 400 invalid_request. */
export interface ListApiKeysQuery {
  /** 1..100, default 20. */
  limit?: number;
  /** >= 0, default 0. */
  offset?: number;
  sortBy?: 'created_at' | 'name' | 'last_used_at';
  /** Default desc. */
  sortOrder?: 'asc' | 'desc';
}

/**
 * Query of the audit and security logs (keyset pagination). Out-of-range
 * values give 400 invalid_request.
 */
export interface LogQuery {
  /** 1..100, default 20. */
  limit?: number;
  /** The `next_before` of the previous page; omit for the newest events. */
  before?: string;
  /** Only events of this type, such as `member.added`. */
  type?: string;
}

// logQuery is q as the log routes read it.
function logQuery(q: LogQuery): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (q.limit !== undefined) out.limit = q.limit;
  if (q.before !== undefined) out.before = q.before;
  if (q.type !== undefined) out.type = q.type;
  return out;
}

type Result<T> = { data?: T; error?: unknown; response?: Response };

// unwrap turns a generated call's result into its data or a FastauthError.
async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (err) {
    throw new FastauthError(0, 'network_error', err instanceof Error ? err.message : String(err));
  }
  const { response } = result;
  if (!response) {
    const err = result.error;
    throw new FastauthError(0, 'network_error', err instanceof Error ? err.message : 'request failed');
  }
  if (!response.ok) throw FastauthError.fromBody(response, result.error);
  return result.data as T;
}

/** Creates a fastauth client. */
export function createFastauth(options: FastauthOptions) {
  const sessionOptions: SessionOptions = { baseUrl: options.baseUrl };
  if (options.fetch) sessionOptions.fetch = options.fetch;
  if (options.credentials) sessionOptions.credentials = options.credentials;
  if (options.onSignedOut) sessionOptions.onSignedOut = options.onSignedOut;
  if (options.crossTab !== undefined) sessionOptions.crossTab = options.crossTab;
  if (options.retryAfterFailedRefreshMs !== undefined) {
    sessionOptions.retryAfterFailedRefreshMs = options.retryAfterFailedRefreshMs;
  }
  const session = new SessionFetch(sessionOptions);

  const client: Client = createClient(
    createConfig({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      fetch: session.fetch as typeof fetch,
      credentials: options.credentials ?? 'include',
      ...(options.apiKey ? { headers: { Authorization: `Bearer ${options.apiKey}` } } : {}),
    }),
  );
  const c = { client };

  const listeners = new Set<(change: SessionChange) => void>();
  const emit = (change: SessionChange) => {
    for (const listener of [...listeners]) listener(change);
  };
  session.subscribe((event) =>
    emit(event.type === 'refreshed' ? { type: 'signedIn', session: event.session } : { type: 'signedOut', error: event.error }),
  );
  // tell passes a call's result through, telling the listeners what it
  // means for the session.
  const tell = async <T>(call: Promise<T>, change: (result: T) => SessionChange): Promise<T> => {
    const result = await call;
    emit(change(result));
    return result;
  };
  const signedIn = (session: AuthResponse): SessionChange => ({ type: 'signedIn', session });
  const changed = (): SessionChange => ({ type: 'changed' });
  const providerStartUrl = (name: string, redirectTo?: string, link = false): string => {
    const q = new URLSearchParams();
    if (redirectTo !== undefined) q.set('redirect_to', redirectTo);
    if (link) q.set('link', 'true');
    const query = q.toString();
    return `${options.baseUrl.replace(/\/+$/, '')}/oauth/${encodeURIComponent(name)}/start${query ? `?${query}` : ''}`;
  };

  // getPasskey runs navigator.credentials.get() on request options.
  const getPasskey = async (options: PasskeyOptions, extra: CredentialRequestOptions = {}) => {
    const publicKey = requestOptions(options.options as ServerOptions);
    try {
      return credentialJSON(await navigator.credentials.get({ ...extra, publicKey }));
    } catch (err) {
      throw ceremonyError(err);
    }
  };
  // verifyWithPasskey finishes an mfa_required sign-in with a passkey.
  const verifyWithPasskey = async (mfaToken: string): Promise<AuthResponse> => {
    const options = await unwrap(api.postMfaPasskeyOptions({ ...c, body: { mfa_token: mfaToken } }));
    const credential = await getPasskey(options);
    return tell(
      unwrap(api.postMfaVerify({ ...c, body: { mfa_token: mfaToken, ceremony_id: options.ceremony_id, credential } })),
      signedIn,
    );
  };

  return {
    /** The generated client, for calls the helpers do not cover. */
    client,
    /**
     * The session layer: `session.fetch` (the application's own calls with
     * refresh-and-retry), `session.refresh()`, `session.refreshCount`.
     */
    session,
    /**
     * Listens to what the helpers learn about who is signed in (the session
     * store builds on it); returns the function that stops listening.
     */
    subscribe(listener: (change: SessionChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    // ---- account

    /** POST /sign-up: creates an account and its personal workspace. */
    signUp: (email: string, password: string): Promise<AuthResponse> =>
      tell(unwrap(api.postSignUp({ ...c, body: { email, password } })), changed),
    /** POST /sign-in: new session, cookies set. */
    signIn: (email: string, password: string): Promise<AuthResponse> =>
      tell(unwrap(api.postSignIn({ ...c, body: { email, password } })), signedIn),
    /**
     * POST /sign-in, ready for a second factor: resolves to
     * `{type: 'signedIn'}`, or to `{type: 'mfaRequired', methods, verify}`
     * when the account has one (the 403 mfa_required, no cookie set yet);
     * `await result.verify(code)` then signs in at aal 2. Other errors
     * reject as with signIn.
     */
    signInWithSecondFactor: async (email: string, password: string): Promise<SignInResult> => {
      try {
        const session = await unwrap(api.postSignIn({ ...c, body: { email, password } }));
        emit(signedIn(session));
        return { type: 'signedIn', session };
      } catch (err) {
        if (!(err instanceof FastauthError) || err.code !== 'mfa_required' || !err.mfaToken) throw err;
        const mfaToken = err.mfaToken;
        return {
          type: 'mfaRequired',
          mfaToken,
          methods: err.methods ?? [],
          verify: (code: string) => tell(unwrap(api.postMfaVerify({ ...c, body: { mfa_token: mfaToken, code } })), signedIn),
          verifyWithPasskey: () => verifyWithPasskey(mfaToken),
        };
      }
    },
    /**
     * Signs in with a passkey (POST /passkeys/sign-in/options, the
     * browser's prompt, POST /passkeys/sign-in): a session at aal 2, no
     * password. With `{conditional: true}` the browser offers the passkeys
     * in the autofill of a `autocomplete="username webauthn"` field where it
     * can. A dismissed prompt rejects with code `passkey_cancelled`.
     */
    signInWithPasskey: async (opts: PasskeySignInOptions = {}): Promise<AuthResponse> => {
      const options = await unwrap(api.postPasskeysSignInOptions({ ...c }));
      const extra: CredentialRequestOptions = {};
      if (opts.signal) extra.signal = opts.signal;
      if (opts.conditional && (await conditionalMediationAvailable())) extra.mediation = 'conditional';
      const credential = await getPasskey(options, extra);
      return tell(unwrap(api.postPasskeysSignIn({ ...c, body: { ceremony_id: options.ceremony_id, credential } })), signedIn);
    },
    /**
     * Registers a passkey for the signed-in account (POST
     * /passkeys/register/options, the browser's prompt, POST
     * /passkeys/register) under name ("Passkey" when omitted). An account
     * that has a second factor needs an aal 2 session (403
     * mfa_step_up_required otherwise).
     */
    registerPasskey: async (name?: string): Promise<Passkey> => {
      const options = await unwrap(api.postPasskeysRegisterOptions({ ...c }));
      const publicKey = creationOptions(options.options as ServerOptions);
      let credential: Record<string, unknown>;
      try {
        credential = credentialJSON(await navigator.credentials.create({ publicKey }));
      } catch (err) {
        throw ceremonyError(err);
      }
      return unwrap(
        api.postPasskeysRegister({
          ...c,
          body: { ceremony_id: options.ceremony_id, credential, ...(name === undefined ? {} : { name }) },
        }),
      );
    },
    /**
     * Finishes a sign-in that answered mfa_required with a passkey of the
     * account (POST /mfa/passkey/options, the browser's prompt, POST
     * /mfa/verify): a session at aal 2 with amr [password, passkey].
     */
    verifyWithPasskey,
    /** POST /refresh: rotates the refresh token (callers rarely need it: the session layer does it). */
    refresh: (): Promise<AuthResponse> => tell(unwrap(api.postRefresh({ ...c })), signedIn),
    /** POST /sign-out: revokes this session and clears the cookies. */
    signOut: (): Promise<StatusResponse> =>
      tell(unwrap(api.postSignOut({ ...c })), (): SessionChange => ({ type: 'signedOut' })),
    /** GET /me: the user and their active organization. */
    me: (): Promise<AuthResponse> => tell(unwrap(api.getMe({ ...c })), signedIn),
    /**
     * GET /session: the signed-in user and organization, or `null` for an
     * anonymous visitor (never a 401 for one). One request on a page load;
     * an expired access token is refreshed first. It is the session store's
     * question, so it tells subscribers nothing itself: use store.load() to
     * update a store.
     */
    getSession: (): Promise<AuthResponse | null> =>
      unwrap(api.getSession({ ...c })).then(({ user, organization, auth_role, session }) =>
        user && organization && auth_role !== undefined
          ? { user, organization, auth_role, ...(session ? { session } : {}) }
          : null,
      ),

    // ---- sign-in with a provider (the social module)

    /**
     * The URL of GET /oauth/{name}/start: navigate the browser there (a
     * link's href, or signInWithProvider). `redirectTo` is where the
     * callback returns (a relative path, or a URL on a trusted origin;
     * default `/`); with `link` the signed-in user links the provider
     * account instead of signing in.
     */
    providerStartUrl,
    /**
     * Sends the browser to the provider `name` (a navigation: the page
     * unloads). It comes back to `redirectTo` signed in, or with what
     * readProviderReturn reads.
     */
    signInWithProvider: (name: string, redirectTo?: string): void => {
      globalThis.location.assign(providerStartUrl(name, redirectTo));
    },
    /** Like signInWithProvider, for the signed-in user: links the provider account. */
    linkProvider: (name: string, redirectTo?: string): void => {
      globalThis.location.assign(providerStartUrl(name, redirectTo, true));
    },
    /**
     * Reads (and, for the current page, removes from the address bar) what
     * a provider sign-in came back with: `?auth_error=` or
     * `#mfa_token=..&methods=..` (see ProviderReturn).
     */
    readProviderReturn: (href?: string): ProviderReturn => {
      const current = href === undefined;
      const url = new URL(href ?? globalThis.location.href);
      const fragment = new URLSearchParams(url.hash.replace(/^#/, ''));
      const code = url.searchParams.get('auth_error');
      const mfaToken = fragment.get('mfa_token');
      if (current && (code !== null || mfaToken !== null)) {
        url.searchParams.delete('auth_error');
        if (mfaToken !== null) url.hash = '';
        globalThis.history?.replaceState(globalThis.history.state, '', url.toString());
      }
      if (code !== null) return { type: 'error', code };
      if (mfaToken === null) return { type: 'none' };
      return {
        type: 'mfaRequired',
        mfaToken,
        methods: (fragment.get('methods') ?? '').split(',').filter(Boolean),
        verify: (c2: string) => tell(unwrap(api.postMfaVerify({ ...c, body: { mfa_token: mfaToken, code: c2 } })), signedIn),
      };
    },
    /** GET /identities: the provider accounts linked to my account, oldest first. */
    listIdentities: (): Promise<IdentityResponse[]> => unwrap(api.getIdentities({ ...c })),
    /**
     * DELETE /identities/{id}: unlinks one; 409 last_sign_in_method when it
     * is the last way into an account without password.
     */
    unlinkIdentity: (id: string): Promise<IdentityResponse> =>
      tell(unwrap(api.deleteIdentitiesById({ ...c, path: { id } })), changed),

    password: {
      /** POST /password/change: revokes my other sessions. */
      change: (currentPassword: string, newPassword: string): Promise<StatusResponse> =>
        unwrap(
          api.postPasswordChange({ ...c, body: { current_password: currentPassword, new_password: newPassword } }),
        ),
      /** POST /password/forgot: mails a reset link; always succeeds. */
      forgot: (email: string): Promise<StatusResponse> => unwrap(api.postPasswordForgot({ ...c, body: { email } })),
      /**
       * POST /password/reset: sets a new password with the mailed token;
       * revokes all sessions and (unless the server keeps them) the
       * account's API keys, counted in `api_keys_revoked`.
       */
      reset: (token: string, password: string): Promise<ResetPasswordResponse> =>
        tell(unwrap(api.postPasswordReset({ ...c, body: { token, password } })), changed),
    },

    email: {
      /** POST /email/confirm/send: (re)sends the confirmation mail; always succeeds. */
      sendConfirmation: (email: string): Promise<StatusResponse> =>
        unwrap(api.postEmailConfirmSend({ ...c, body: { email } })),
      /** POST /email/confirm: confirms the address with the mailed token. */
      confirm: (token: string): Promise<ConfirmEmailResponse> =>
        tell(unwrap(api.postEmailConfirm({ ...c, body: { token } })), changed),
      /** GET /email/confirm?token=: the link of the mail. */
      confirmLink: (token: string): Promise<ConfirmEmailResponse> =>
        tell(unwrap(api.getEmailConfirm({ ...c, query: { token } })), changed),
    },

    /**
     * GET /organizations/{organization_id}/audit-log: a page of the
     * organization's events, newest first (admin or owner; the audit
     * module must be mounted). Pass `next_before` as `before` for the next
     * page; it is null on the last one.
     */
    getAuditLog: (organizationId: string, query: LogQuery = {}): Promise<AuditLogPage> =>
      unwrap(
        api.getOrganizationsByOrganizationIdAuditLog({
          ...c,
          path: { organization_id: organizationId },
          query: logQuery(query),
        }),
      ),
    /**
     * GET /me/security-log: a page of my account's events, newest first,
     * failed sign-ins included.
     */
    getSecurityLog: (query: LogQuery = {}): Promise<AuditLogPage> =>
      unwrap(api.getMeSecurityLog({ ...c, query: logQuery(query) })),

    mfa: {
      /** GET /mfa: `{totp_enabled, recovery_codes_remaining, passkeys}`. */
      getMfaStatus: (): Promise<MfaStatusResponse> => unwrap(api.getMfa({ ...c })),
      /**
       * POST /mfa/totp/setup: a new pending secret, its otpauth URL and a
       * QR code (a data: URL for an <img>). 409 mfa_already_enabled when
       * TOTP is on.
       */
      setupTotp: (): Promise<TotpSetupResponse> => unwrap(api.postMfaTotpSetup({ ...c })),
      /**
       * POST /mfa/totp/enable: a code of the pending secret turns TOTP on;
       * the ten recovery codes are returned this once. The session is
       * raised to aal 2.
       */
      enableTotp: (code: string): Promise<RecoveryCodesResponse> =>
        tell(unwrap(api.postMfaTotpEnable({ ...c, body: { code } })), changed),
      /** POST /mfa/totp/disable: a TOTP or recovery code turns TOTP off. */
      disableTotp: (code: string): Promise<TotpDisableResponse> =>
        unwrap(api.postMfaTotpDisable({ ...c, body: { code } })),
      /** POST /mfa/recovery-codes: a TOTP code replaces the recovery codes (shown once). */
      regenerateRecoveryCodes: (code: string): Promise<RecoveryCodesResponse> =>
        unwrap(api.postMfaRecoveryCodes({ ...c, body: { code } })),
      /**
       * POST /mfa/step-up: a TOTP or recovery code raises this session to
       * aal 2 (routes behind RequireAAL(2) answer 403 mfa_step_up_required
       * until then).
       */
      stepUp: (code: string): Promise<AuthResponse> =>
        tell(unwrap(api.postMfaStepUp({ ...c, body: { code } })), signedIn),
      /**
       * POST /mfa/verify: finishes a sign-in that answered mfa_required
       * (signInWithSecondFactor wraps it).
       */
      verify: (mfaToken: string, code: string): Promise<AuthResponse> =>
        tell(unwrap(api.postMfaVerify({ ...c, body: { mfa_token: mfaToken, code } })), signedIn),
    },

    passkeys: {
      /** GET /passkeys: my passkeys, oldest first. */
      list: (): Promise<Passkey[]> => unwrap(api.getPasskeys({ ...c })),
      /** PATCH /passkeys/{id}: renames one (1 to 64 characters). */
      rename: (id: string, name: string): Promise<Passkey> =>
        unwrap(api.patchPasskeysById({ ...c, path: { id }, body: { name } })),
      /**
       * DELETE /passkeys/{id}: needs an aal 2 session when the account has
       * a second factor (403 mfa_step_up_required otherwise).
       */
      delete: (id: string): Promise<Passkey> => unwrap(api.deletePasskeysById({ ...c, path: { id } })),
    },

    sessions: {
      /** GET /sessions: my active sessions, `current` marked. */
      list: (): Promise<SessionBody[]> => unwrap(api.getSessions({ ...c })),
      /** DELETE /sessions/{session_id}: revoking the current session signs this client out. */
      revoke: (sessionId: string): Promise<SessionBody> =>
        tell(unwrap(api.deleteSessionsBySessionId({ ...c, path: { session_id: sessionId } })), (s) =>
          s.current ? { type: 'signedOut' } : changed(),
        ),
      /** POST /sessions/revoke-others: signs out every other device. */
      revokeOthers: (): Promise<RevokedSessionsResponse> => unwrap(api.postSessionsRevokeOthers({ ...c })),
    },

    apiKeys: {
      /** POST /api-keys: the plaintext `key` is returned only here. */
      create: (name: string, expiresAt?: Date | string): Promise<CreatedApiKeyBody> =>
        unwrap(
          api.postApiKeys({
            ...c,
            body: {
              name,
              ...(expiresAt === undefined
                ? {}
                : { expires_at: expiresAt instanceof Date ? expiresAt.toISOString() : expiresAt }),
            },
          }),
        ),
      /** GET /api-keys: a page of key metadata of the active organization. */
      list: (query: ListApiKeysQuery = {}): Promise<ApiKeyPage> => {
        const q: Record<string, string | number> = {};
        if (query.limit !== undefined) q.limit = query.limit;
        if (query.offset !== undefined) q.offset = query.offset;
        if (query.sortBy !== undefined) q.sort_by = query.sortBy;
        if (query.sortOrder !== undefined) q.sort_order = query.sortOrder;
        return unwrap(api.getApiKeys({ ...c, query: q }));
      },
      /** DELETE /api-keys/{id}. */
      delete: (id: string): Promise<ApiKeyBody> => unwrap(api.deleteApiKeysById({ ...c, path: { id } })),
    },

    organizations: {
      /** GET /organizations: my memberships. */
      list: (): Promise<OrganizationMemberBody[]> => unwrap(api.getOrganizations({ ...c })),
      /** POST /organizations: a shared organization; I am its owner. */
      create: (name: string): Promise<OrganizationMemberBody> =>
        unwrap(api.postOrganizations({ ...c, body: { name } })),
      /** GET /organizations/{organization_id}. */
      get: (organizationId: string): Promise<OrganizationMemberBody> =>
        unwrap(api.getOrganizationsByOrganizationId({ ...c, path: { organization_id: organizationId } })),
      /** PATCH /organizations/{organization_id}: admin or owner. */
      rename: (organizationId: string, name: string): Promise<OrganizationMemberBody> =>
        unwrap(
          api.patchOrganizationsByOrganizationId({ ...c, path: { organization_id: organizationId }, body: { name } }),
        ),
      /** DELETE /organizations/{organization_id}: owner; not the personal workspace. */
      delete: (organizationId: string): Promise<OrganizationMemberBody> =>
        tell(unwrap(api.deleteOrganizationsByOrganizationId({ ...c, path: { organization_id: organizationId } })), changed),
      /** POST /organizations/current: switches the active organization. */
      switch: (organizationId: string): Promise<AuthResponse> =>
        tell(unwrap(api.postOrganizationsCurrent({ ...c, body: { organization_id: organizationId } })), signedIn),

      members: {
        /** GET /organizations/{organization_id}/members: admin or owner. */
        list: (organizationId: string): Promise<OrganizationMemberBody[]> =>
          unwrap(api.getOrganizationsByOrganizationIdMembers({ ...c, path: { organization_id: organizationId } })),
        /** PATCH /organizations/{organization_id}/members/{member_user_id}: owner. */
        changeRole: (organizationId: string, userId: string, role: Role): Promise<OrganizationMemberBody> =>
          unwrap(
            api.patchOrganizationsByOrganizationIdMembersByMemberUserId({
              ...c,
              path: { organization_id: organizationId, member_user_id: userId },
              body: { role },
            }),
          ),
        /** DELETE /organizations/{organization_id}/members/{member_user_id}. */
        remove: (organizationId: string, userId: string): Promise<OrganizationMemberBody> =>
          tell(
            unwrap(
              api.deleteOrganizationsByOrganizationIdMembersByMemberUserId({
                ...c,
                path: { organization_id: organizationId, member_user_id: userId },
              }),
            ),
            changed,
          ),
      },

      invites: {
        /** GET /organizations/{organization_id}/invites: admin or owner. */
        list: (organizationId: string): Promise<InviteBody[]> =>
          unwrap(api.getOrganizationsByOrganizationIdInvites({ ...c, path: { organization_id: organizationId } })),
        /** POST /organizations/{organization_id}/invites: the `token` is returned once and mailed. */
        create: (organizationId: string, email: string, role: Role = 'member'): Promise<CreatedInviteBody> =>
          unwrap(
            api.postOrganizationsByOrganizationIdInvites({
              ...c,
              path: { organization_id: organizationId },
              body: { email, role },
            }),
          ),
        /** DELETE /organizations/{organization_id}/invites/{invite_id}. */
        revoke: (organizationId: string, inviteId: string): Promise<InviteBody> =>
          unwrap(
            api.deleteOrganizationsByOrganizationIdInvitesByInviteId({
              ...c,
              path: { organization_id: organizationId, invite_id: inviteId },
            }),
          ),
        /** POST /organizations/invites/accept: joins and switches to the organization. */
        accept: (token: string): Promise<AuthResponse> =>
          tell(unwrap(api.postOrganizationsInvitesAccept({ ...c, body: { token } })), signedIn),
      },

      /** Custom roles (the server's `roles` module; 404 without it). */
      roles: {
        /** GET /permissions: the permission catalog. */
        permissions: (): Promise<PermissionBody[]> => unwrap(api.getPermissions({ ...c })),
        /** GET /organizations/{organization_id}/roles: built-in roles first, then the custom ones. */
        list: (organizationId: string): Promise<RoleBody[]> =>
          unwrap(api.getOrganizationsByOrganizationIdRoles({ ...c, path: { organization_id: organizationId } })),
        /** POST /organizations/{organization_id}/roles: roles:manage. */
        create: (organizationId: string, name: string, permissions: string[]): Promise<RoleBody> =>
          unwrap(
            api.postOrganizationsByOrganizationIdRoles({
              ...c,
              path: { organization_id: organizationId },
              body: { name, permissions },
            }),
          ),
        /** PATCH /organizations/{organization_id}/roles/{role_name}: replaces the permissions. */
        update: (organizationId: string, name: string, permissions: string[]): Promise<RoleBody> =>
          unwrap(
            api.patchOrganizationsByOrganizationIdRolesByRoleName({
              ...c,
              path: { organization_id: organizationId, role_name: name },
              body: { permissions },
            }),
          ),
        /** DELETE /organizations/{organization_id}/roles/{role_name}: 409 role_in_use while someone has it. */
        delete: async (organizationId: string, name: string): Promise<void> => {
          await unwrap(
            api.deleteOrganizationsByOrganizationIdRolesByRoleName({
              ...c,
              path: { organization_id: organizationId, role_name: name },
            }),
          );
        },
      },
    },
  };
}

/** A fastauth client, as createFastauth returns it. */
export type Fastauth = ReturnType<typeof createFastauth>;
