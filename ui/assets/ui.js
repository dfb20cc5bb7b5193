// fastauth pages: sends the forms to the JSON API through the SDK bundle
// (a session layer that refreshes an expired access token once), shows
// the API's message next to the field, and leaves forms without a
// data-api attribute (those whose answer the page shows once, such as a
// new API key) as the plain form posts they are without scripts.
import { createFastauth, FastauthError } from './fastauth-sdk.js';

const api = document.body.dataset.api || '/auth';
const auth = createFastauth({ baseUrl: api });

for (const el of document.querySelectorAll('.js-only')) el.hidden = false;

function clearErrors(form) {
  for (const el of form.querySelectorAll('[data-error-for], [data-error]')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

function showError(form, err) {
  const message = err instanceof FastauthError ? err.message : String(err && err.message ? err.message : err);
  const code = err instanceof FastauthError ? err.code : '';
  const fieldByCode = {
    invalid_email: 'email',
    user_already_exists: 'email',
    email_not_confirmed: 'email',
    weak_password: 'password',
    invalid_mfa_code: 'code',
  };
  let target = null;
  const field = fieldByCode[code];
  if (field) target = form.querySelector(`[data-error-for="${field}"]`);
  if (!target && code === 'invalid_credentials') target = form.querySelector('[data-error-for="password"]');
  if (!target) target = form.querySelector('[data-error]');
  if (target) {
    target.textContent = message;
    const input = field ? form.querySelector(`[name="${field}"]`) : null;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }
}

function body(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.dataset.path !== undefined || el.disabled) continue;
    if (el.type === 'checkbox') {
      if (el.dataset.list !== undefined) {
        out[el.name] = out[el.name] || [];
        if (el.checked) out[el.name].push(el.value);
      } else out[el.name] = el.checked;
      continue;
    }
    let v = el.value;
    if (el.dataset.json !== undefined) {
      if (v.trim() === '') continue;
      try {
        v = JSON.parse(v);
      } catch {
        // the API refuses it with its own message
      }
    } else if (el.dataset.null !== undefined && v.trim() === '') v = null;
    out[el.name] = v;
  }
  return out;
}

async function send(form) {
  const [method, path] = form.dataset.api.split(' ');
  const payload = body(form);
  const init = { method, headers: { Accept: 'application/json' } };
  if (method !== 'GET' && Object.keys(payload).length > 0) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(payload);
  }
  const res = await auth.session.fetch(api + path, init);
  if (!res.ok) throw await FastauthError.fromResponse(res);
  const text = await res.text();
  return { data: text ? JSON.parse(text) : null };
}

function next(form, data) {
  if (form.dataset.nextOrg !== undefined && data && data.organization) {
    return `${document.body.dataset.ui}/organizations/${encodeURIComponent(data.organization.id)}?notice=org.switched`;
  }
  return form.dataset.next || location.pathname + '?notice=done';
}

for (const form of document.querySelectorAll('form[data-api]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const buttons = form.querySelectorAll('button');
    for (const b of buttons) b.disabled = true;
    try {
      const { data } = await send(form);
      if (form.id === 'sign-up-form') {
        const session = await auth.getSession().catch(() => null);
        if (!session || !session.user) {
          location.assign(form.dataset.unconfirmed);
          return;
        }
      }
      location.assign(next(form, data));
    } catch (err) {
      if (err instanceof FastauthError && err.code === 'mfa_required' && form.dataset.mfa) {
        const mfa = document.getElementById(form.dataset.mfa);
        mfa.querySelector('[name="mfa_token"]').value = err.mfaToken || '';
        form.hidden = true;
        mfa.hidden = false;
        mfa.querySelector('[name="code"]').focus();
      } else {
        showError(form, err);
      }
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  });
}

// Back from a provider for an account with a second factor: the callback
// put the mfa_token in the fragment (never sent to a server); ask for the code.
const back = new URLSearchParams(location.hash.slice(1));
const mfaForm = document.getElementById('mfa-form');
if (back.get('mfa_token') && mfaForm && document.getElementById('sign-in-form')) {
  mfaForm.querySelector('[name="mfa_token"]').value = back.get('mfa_token');
  history.replaceState(null, '', location.pathname + location.search);
  document.getElementById('sign-in-form').hidden = true;
  mfaForm.hidden = false;
  mfaForm.querySelector('[name="code"]').focus();
}

const passkeyIn = document.querySelector('[data-passkey-sign-in]');
if (passkeyIn) {
  passkeyIn.addEventListener('click', async () => {
    const form = document.getElementById('sign-in-form');
    clearErrors(form);
    try {
      await auth.signInWithPasskey();
      location.assign(passkeyIn.dataset.next);
    } catch (err) {
      showError(form, err);
    }
  });
}

const passkeyAdd = document.querySelector('[data-passkey-register]');
if (passkeyAdd) {
  passkeyAdd.addEventListener('click', async () => {
    const section = passkeyAdd.closest('section');
    try {
      await auth.registerPasskey();
      location.assign(location.pathname + '?notice=done');
    } catch (err) {
      const target = section.querySelector('[data-error]');
      if (target) target.textContent = err && err.message ? err.message : String(err);
    }
  });
}
