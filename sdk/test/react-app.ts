// The page of the React browser test (bundled with esbuild by
// browser.test.ts, served on the example server's origin): one component
// renders useSession of a store; window.fastauth lets the test act.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { createFastauth } from '../src/index.js';
import { createSessionStore, useSession } from '../src/react.js';

const auth = createFastauth({ baseUrl: '/auth' });
const store = createSessionStore(auth);
let renders = 0;

function Session() {
  const s = useSession(store);
  renders++;
  return createElement(
    'p',
    { id: 'session', 'data-status': s.status, 'data-renders': String(renders) },
    s.status === 'signedIn' ? `${s.session.user.email} in ${s.session.organization.name}` : s.status,
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('no #root');
createRoot(root).render(createElement(Session));
Object.assign(window, { fastauth: auth });
