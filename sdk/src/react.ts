// @fastauth/sdk/react: the session store bound to React. This entry point
// is the only one that imports React (an optional peer dependency of the
// package); @fastauth/sdk itself never does.

import { useEffect, useSyncExternalStore } from 'react';
import type { SessionSnapshot, SessionStore } from './store.js';

export { createSessionStore } from './store.js';
export type { SessionSnapshot, SessionStatus, SessionStore } from './store.js';

/**
 * The session of store, re-rendering the component when it changes. The
 * first component to use a store that has not loaded yet makes it ask the
 * server (one GET /session, shared by every component).
 *
 *     const auth = createFastauth({ baseUrl: '/auth' });
 *     const store = createSessionStore(auth);
 *
 *     function Header() {
 *       const s = useSession(store);
 *       if (s.status === 'signedIn') return <span>{s.session.user.email}</span>;
 *       return s.status === 'loading' ? null : <a href="/sign-in">Sign in</a>;
 *     }
 */
export function useSession(store: SessionStore): SessionSnapshot {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  useEffect(() => {
    if (store.getSnapshot().status === 'loading') void store.load();
  }, [store]);
  return snapshot;
}
