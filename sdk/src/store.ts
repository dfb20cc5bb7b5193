// A framework-free session store: who is signed in, kept current from the
// calls a fastauth client makes, readable by any UI. It starts with one
// request (GET /session) and then follows the client's own answers:
// sign-in, refresh, switch and invite acceptance update it, sign-out and an
// unrecoverable 401 empty it, and calls whose effect only the server knows
// (sign-up, leaving the active organization, ...) make it ask again.
// `useSession` in @fastauth/sdk/react binds it to React.

import type { AuthResponse } from './client/types.gen.js';
import type { Fastauth } from './index.js';
import { FastauthError } from './session.js';

/** Where the store stands. */
export type SessionStatus = SessionSnapshot['status'];

/**
 * The store's state. A snapshot is immutable: a change makes a new one, so
 * comparing references tells whether anything changed.
 */
export type SessionSnapshot =
  /** Before the first answer of GET /session. */
  | { status: 'loading'; session: null; error: null }
  /** Signed in: the user, the active organization and the role there. */
  | { status: 'signedIn'; session: AuthResponse; error: null }
  /** Nobody is signed in (anonymous, signed out, or the session ended). */
  | { status: 'signedOut'; session: null; error: null }
  /** GET /session failed (network, 429, 5xx): `error` says why; load() again. */
  | { status: 'error'; session: null; error: FastauthError };

/** A session store, as createSessionStore returns it. */
export interface SessionStore {
  /** The current snapshot (the same object until something changes). */
  getSnapshot(): SessionSnapshot;
  /** Calls listener after every change; returns the function that stops it. */
  subscribe(listener: () => void): () => void;
  /**
   * Asks the server (GET /session; single flight: concurrent calls share
   * one request) and resolves to the new snapshot. Never rejects.
   */
  load(): Promise<SessionSnapshot>;
  /** Stops following the client. */
  close(): void;
}

const LOADING: SessionSnapshot = { status: 'loading', session: null, error: null };
const SIGNED_OUT: SessionSnapshot = { status: 'signedOut', session: null, error: null };

/**
 * Creates a session store that follows the client auth. Nothing is sent
 * until load() is called (useSession calls it on first use).
 */
export function createSessionStore(auth: Fastauth): SessionStore {
  let snapshot: SessionSnapshot = LOADING;
  // version counts changes. An answer of GET /session that a newer change
  // has overtaken (a sign-in finishing meanwhile) is dropped.
  let version = 0;
  let inflight: { version: number; promise: Promise<SessionSnapshot> } | null = null;
  const listeners = new Set<() => void>();

  const set = (next: SessionSnapshot) => {
    version++;
    if (sameSnapshot(snapshot, next)) return;
    snapshot = next;
    for (const listener of [...listeners]) listener();
  };

  const load = (): Promise<SessionSnapshot> => {
    if (inflight?.version === version) return inflight.promise;
    // A request sent before the latest change cannot tell its effect: ask
    // again once it is back.
    if (inflight) return inflight.promise.then(load);
    const started = version;
    const promise = auth
      .getSession()
      .then(
        (session): SessionSnapshot => (session ? { status: 'signedIn', session, error: null } : SIGNED_OUT),
        (err: unknown): SessionSnapshot => {
          const error =
            err instanceof FastauthError ? err : new FastauthError(0, 'network_error', err instanceof Error ? err.message : String(err));
          return error.status === 401 ? SIGNED_OUT : { status: 'error', session: null, error };
        },
      )
      .then((next) => {
        inflight = null;
        if (version === started) set(next);
        return snapshot;
      });
    inflight = { version: started, promise };
    return promise;
  };

  const unsubscribe = auth.subscribe((change) => {
    switch (change.type) {
      case 'signedIn':
        set({ status: 'signedIn', session: change.session, error: null });
        break;
      case 'signedOut':
        set(SIGNED_OUT);
        break;
      case 'changed':
        version++;
        void load();
        break;
    }
  });

  return {
    getSnapshot: () => snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load,
    close: unsubscribe,
  };
}

// sameSnapshot tells snapshots that show the same thing, so that an answer
// repeating the state (a refresh, GET /session) does not re-render.
function sameSnapshot(a: SessionSnapshot, b: SessionSnapshot): boolean {
  if (a.status !== b.status || a.error !== b.error) return false;
  if (a.session === null || b.session === null) return a.session === b.session;
  return JSON.stringify(a.session) === JSON.stringify(b.session);
}
