// Hand-written session layer of the fastauth SDK.
//
// fastauth never refreshes silently: a route answers 401 token_expired once
// the access token has expired (the server keeps the access cookie for the
// whole session, so browsers still send the expired token), and the client
// is expected to call POST {base}/refresh and retry. SessionFetch does that
// for every request made through it:
//
//   - a 401 token_expired on a cookie request triggers ONE refresh shared by
//     every concurrent caller (single flight), then each original request is
//     retried once; any other 401 (invalid_token: no session at all) is
//     answered as it is, without a refresh;
//   - if the refresh itself fails, the request is still retried once (after
//     a short pause), because another tab may have refreshed the shared
//     cookies meanwhile; only when that retry is refused too is the session
//     reported signed out;
//   - requests carrying an API key (Authorization: Bearer ...) never trigger
//     a refresh: a key has no session to refresh;
//   - in browsers the refresh is also serialized across tabs with the Web
//     Locks API when it is available, so two tabs whose tokens expire
//     together do not race to rotate the same refresh token.

import type { AuthResponse } from './client/types.gen.js';

/** Error codes the server may answer in `code` (stable, snake_case). */
export type FastauthErrorCode =
  | 'invalid_request'
  | 'invalid_email'
  | 'weak_password'
  | 'invalid_credentials'
  | 'invalid_token'
  | 'token_expired'
  | 'refresh_token_invalid'
  | 'forbidden'
  | 'email_not_confirmed'
  | 'user_not_found'
  | 'session_not_found'
  | 'organization_not_found'
  | 'member_not_found'
  | 'invite_not_found'
  | 'api_key_not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'user_already_exists'
  | 'conflict'
  | 'last_owner'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal_error'
  | 'store_unavailable'
  | 'overloaded'
  /** Sign-in: the password was right and a second factor is due (see FastauthError.mfaToken). */
  | 'mfa_required'
  /** POST /mfa/verify: the mfa_token is unknown, expired, used or dead after 5 wrong codes. */
  | 'mfa_token_invalid'
  /** A second-factor code is wrong or was already used. */
  | 'invalid_mfa_code'
  /** TOTP setup while TOTP is on. */
  | 'mfa_already_enabled'
  /** TOTP enable without a pending setup. */
  | 'mfa_setup_required'
  /** TOTP disable or recovery-code regeneration while TOTP is off. */
  | 'mfa_not_enabled'
  /** A route behind RequireAAL(2) refused a session without a second factor: step up. */
  | 'mfa_step_up_required'
  /** A passkey ceremony_id is unknown, used, expired (5 minutes) or of another ceremony: ask for new options. */
  | 'invalid_ceremony'
  /** A passkey registration did not verify (origin, RP ID, user verification). */
  | 'passkey_rejected'
  /** The account has no passkey with this id. */
  | 'passkey_not_found'
  /** The account holds the most passkeys it may (25 by default). */
  | 'too_many_passkeys'
  /** POST /mfa/passkey/options for an account without a passkey. */
  | 'mfa_method_unavailable'
  /** Browser side: this browser has no WebAuthn. */
  | 'passkeys_unsupported'
  /** Browser side: the user dismissed the passkey prompt, or it timed out or was aborted. */
  | 'passkey_cancelled'
  /** Browser side: this authenticator already holds a passkey of the account. */
  | 'passkey_exists'
  /** Browser side: the passkey ceremony failed otherwise. */
  | 'passkey_failed'
  /** POST /organizations/{id}/roles: a built-in, reserved or taken name (in any case). */
  | 'role_exists'
  /** DELETE of a role a member or a pending invite has. */
  | 'role_in_use'
  /** The organization has no custom role of that name. */
  | 'role_not_found'
  /** A permission that is not in the server's catalog (GET /permissions). */
  | 'unknown_permission'
  /** The request never got an HTTP answer (network failure, abort). */
  | 'network_error'
  /** The server answered an error without a {code, message} body. */
  | 'http_error'
  // Any future server code still type-checks as a string.
  | (string & {});

/** An error answered by the server, typed by its `code`. */
export class FastauthError extends Error {
  /** HTTP status; 0 when the request got no answer. */
  readonly status: number;
  /** The server's stable error code, e.g. `token_expired`. */
  readonly code: FastauthErrorCode;
  /** Seconds from a Retry-After header (429, 503), when present. */
  readonly retryAfter?: number;
  /**
   * With `mfa_required` (403 of a sign-in): the token that finishes the
   * sign-in at POST /mfa/verify (5 minutes, single use).
   */
  readonly mfaToken?: string;
  /** With `mfa_required`: the account's second factors (`totp`, `recovery_code`, `passkey`). */
  readonly methods?: string[];

  constructor(
    status: number,
    code: FastauthErrorCode,
    message: string,
    retryAfter?: number,
    mfa?: { mfaToken: string; methods: string[] },
  ) {
    super(message);
    this.name = 'FastauthError';
    this.status = status;
    this.code = code;
    if (retryAfter !== undefined) this.retryAfter = retryAfter;
    if (mfa) {
      this.mfaToken = mfa.mfaToken;
      this.methods = mfa.methods;
    }
  }

  /** Builds the error of a non-2xx response whose body was already parsed. */
  static fromBody(response: Response, body: unknown): FastauthError {
    const b = (body ?? {}) as { code?: unknown; message?: unknown; mfa_token?: unknown; methods?: unknown };
    const code = typeof b.code === 'string' && b.code !== '' ? b.code : 'http_error';
    const message =
      typeof b.message === 'string' && b.message !== ''
        ? b.message
        : `HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}`;
    const ra = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    const mfa =
      code === 'mfa_required' && typeof b.mfa_token === 'string'
        ? {
            mfaToken: b.mfa_token,
            methods: Array.isArray(b.methods) ? b.methods.filter((m): m is string => typeof m === 'string') : [],
          }
        : undefined;
    return new FastauthError(response.status, code, message, Number.isFinite(ra) ? ra : undefined, mfa);
  }

  /** Reads a response's error body (without consuming it) into an error. */
  static async fromResponse(response: Response): Promise<FastauthError> {
    return FastauthError.fromBody(response, await readJSON(response));
  }
}

/** What a signed-out notification carries. */
export interface SignedOutEvent {
  /** The 401 of the cookie request that ended signed out (after a refresh, when one was tried). */
  error: FastauthError;
}

/** An event of the session layer, for SessionFetch.subscribe. */
export type SessionEvent =
  /** This instance refreshed the session; `session` is the server's answer. */
  | { type: 'refreshed'; session: AuthResponse }
  /** A cookie request ended in 401 invalid_token or token_expired. */
  | ({ type: 'signedOut' } & SignedOutEvent);

/** Options of the session layer. */
export interface SessionOptions {
  /**
   * URL of the auth base path, e.g. `https://app.example.com/auth`, or
   * `/auth` in a browser page of the same origin.
   */
  baseUrl: string;
  /**
   * Transport used for every request (default: `globalThis.fetch`). Pass a
   * cookie-aware fetch outside browsers.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Credentials mode of the refresh request (default `include`). */
  credentials?: RequestCredentials;
  /**
   * Called when a cookie request ends in 401 `invalid_token` or
   * `token_expired`: no session, or one a refresh could not recover.
   */
  onSignedOut?: (event: SignedOutEvent) => void;
  /**
   * Serialize refreshes across browser tabs with the Web Locks API when it
   * exists (default true).
   */
  crossTab?: boolean;
  /**
   * Pause before the retry that follows a FAILED refresh, in milliseconds
   * (default 400). A concurrent refresh by another tab or process sharing
   * the cookies makes ours fail while its response, carrying the new
   * cookies, may still be on its way; the pause lets it land.
   */
  retryAfterFailedRefreshMs?: number;
}

const LOCK_NAME = 'fastauth:refresh';
const REFRESHED_AT_KEY = 'fastauth:refreshed-at';
// Base-path routes that must never trigger a refresh themselves.
const NO_REFRESH_PATHS = ['/refresh', '/sign-in', '/sign-up', '/sign-out', '/mfa/verify'];

/**
 * A fetch function that recovers from expired access tokens. Use its
 * `fetch` as the transport of the generated client (createFastauth does).
 */
export class SessionFetch {
  private readonly base: URL;
  private readonly transport: (request: Request) => Promise<Response>;
  private readonly credentials: RequestCredentials;
  private readonly onSignedOut?: (event: SignedOutEvent) => void;
  private readonly crossTab: boolean;
  private readonly failedRefreshPause: number;

  // generation counts finished refreshes (whatever their outcome). A request
  // sent before the latest refresh finished is retried without refreshing
  // again: its 401 is about the cookies that refresh replaced.
  private generation = 0;
  private lastRefreshOK = false;
  private inflight: Promise<boolean> | null = null;
  private refreshes = 0;
  private readonly listeners = new Set<(event: SessionEvent) => void>();

  constructor(options: SessionOptions) {
    const origin = typeof location !== 'undefined' ? location.href : undefined;
    this.base = new URL(options.baseUrl.replace(/\/+$/, ''), origin);
    // Bind so that browsers do not throw "Illegal invocation".
    this.transport = options.fetch ?? ((r: Request) => globalThis.fetch(r));
    this.credentials = options.credentials ?? 'include';
    if (options.onSignedOut) this.onSignedOut = options.onSignedOut;
    this.crossTab = options.crossTab ?? true;
    this.failedRefreshPause = options.retryAfterFailedRefreshMs ?? 400;
  }

  /** Number of refresh requests this instance has sent. */
  get refreshCount(): number {
    return this.refreshes;
  }

  /**
   * The fetch function: same signature as the global one. Route the
   * application's own cookie-authenticated calls through it to get the same
   * refresh-and-retry as the SDK's helpers:
   * `await auth.session.fetch('/api/projects')`.
   */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    if (!this.mayRefresh(request)) return this.transport(request);

    const retry = request.clone();
    const sentAt = Date.now();
    const generation = this.generation;
    const first = await this.transport(request);
    if (first.status !== 401) return first;
    const error = await FastauthError.fromResponse(first);
    if (error.code !== 'token_expired') {
      this.signedOut(error);
      return first;
    }

    const refreshed = await this.refreshAfter(generation, sentAt);
    if (!refreshed && this.failedRefreshPause > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.failedRefreshPause));
    }
    const second = await this.transport(retry);
    if (second.status === 401) this.signedOut(await FastauthError.fromResponse(second));
    return second;
  };

  /**
   * Refreshes the session now, without waiting for a 401 (single flight:
   * concurrent calls, and requests recovering from token_expired, share one
   * request). Resolves to whether the server issued new tokens; never
   * rejects (a network failure resolves to false).
   */
  refresh(): Promise<boolean> {
    return this.refreshAfter(this.generation, Date.now());
  }

  /**
   * Listens to the session layer's events (refreshed, signed out); returns
   * the function that stops listening.
   */
  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // signedOut reports a 401 invalid_token or token_expired that ends a
  // cookie request; other 401s (invalid_credentials of a wrong current
  // password, ...) say nothing about the session.
  private signedOut(error: FastauthError): void {
    if (error.code !== 'invalid_token' && error.code !== 'token_expired') return;
    this.onSignedOut?.({ error });
    this.emit({ type: 'signedOut', error });
  }

  private emit(event: SessionEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  // mayRefresh reports whether a 401 of request may be recovered by a
  // refresh: cookie requests to anything but the session-establishing routes.
  private mayRefresh(request: Request): boolean {
    if (/^bearer\s/i.test(request.headers.get('Authorization') ?? '')) return false;
    const url = new URL(request.url);
    if (url.origin !== this.base.origin) return false;
    const basePath = this.base.pathname.replace(/\/+$/, '');
    return !NO_REFRESH_PATHS.some((p) => url.pathname === basePath + p);
  }

  private refreshAfter(generation: number, sentAt: number): Promise<boolean> {
    if (this.generation !== generation && !this.inflight) {
      // A refresh finished after the request was sent: just retry.
      return Promise.resolve(this.lastRefreshOK);
    }
    if (!this.inflight) {
      this.inflight = this.refreshAcrossTabs(sentAt)
        .catch(() => false)
        .then((ok) => {
          this.lastRefreshOK = ok;
          this.generation++;
          this.inflight = null;
          return ok;
        });
    }
    return this.inflight;
  }

  private refreshAcrossTabs(sentAt: number): Promise<boolean> {
    const locks = this.crossTab ? webLocks() : undefined;
    if (!locks) return this.sendRefresh();
    return locks.request(LOCK_NAME, async () => {
      // Another tab refreshed the shared cookies after our request was
      // sent: they are fresh, no need to rotate again.
      if (sharedRefreshedAt() >= sentAt) return true;
      const ok = await this.sendRefresh();
      if (ok) setSharedRefreshedAt(Date.now());
      return ok;
    });
  }

  private async sendRefresh(): Promise<boolean> {
    this.refreshes++;
    const url = this.base.href + '/refresh';
    const response = await this.transport(
      new Request(url, { method: 'POST', credentials: this.credentials, headers: { Accept: 'application/json' } }),
    );
    // Read the body in every case, so the connection can be reused.
    const text = await response.text().catch(() => '');
    if (response.ok) {
      const body = parseJSON(text);
      if (isAuthResponse(body)) this.emit({ type: 'refreshed', session: body });
    }
    return response.ok;
  }
}

function isAuthResponse(body: unknown): body is AuthResponse {
  const b = body as Partial<AuthResponse> | null | undefined;
  return typeof b === 'object' && b !== null && typeof b.user === 'object' && b.user !== null && typeof b.organization === 'object';
}

async function readJSON(response: Response): Promise<unknown> {
  return parseJSON(await response.clone().text().catch(() => ''));
}

function parseJSON(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

function webLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : undefined;
}

function sharedRefreshedAt(): number {
  try {
    return Number(globalThis.localStorage?.getItem(REFRESHED_AT_KEY) ?? 0) || 0;
  } catch {
    return 0;
  }
}

function setSharedRefreshedAt(t: number): void {
  try {
    globalThis.localStorage?.setItem(REFRESHED_AT_KEY, String(t));
  } catch {
    // Storage may be disabled; the lock alone still serializes refreshes.
  }
}

/**
 * Whether the signed-in user's role in their active organization holds
 * `permission` ("resource:action"), read from the session's
 * `organization.permissions` (the server's answer at sign-in, refresh and
 * /me): `can(auth.current, 'project:write')`. For showing and hiding
 * controls only; the server decides (RequirePermission answers 403). No
 * session, or a server without permissions, holds nothing.
 */
export function can(session: AuthResponse | null | undefined, permission: string): boolean {
  const held = (session?.organization as { permissions?: unknown } | undefined)?.permissions;
  return Array.isArray(held) && held.includes(permission);
}
