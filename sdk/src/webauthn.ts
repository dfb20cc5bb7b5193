// WebAuthn glue for the passkey helpers: the server's options JSON to what
// navigator.credentials takes, and the browser's credential back to JSON.
// It uses the browser's JSON helpers when present
// (PublicKeyCredential.parseCreationOptionsFromJSON,
// parseRequestOptionsFromJSON, PublicKeyCredential.prototype.toJSON) and a
// small base64url conversion otherwise.

import { FastauthError } from './session.js';

/** The JSON of PublicKeyCredentialCreationOptions or RequestOptions. */
type OptionsJSON = Record<string, unknown>;

/** The server's `options` member: `{publicKey: {...}}`. */
export interface ServerOptions {
  publicKey?: OptionsJSON;
  [key: string]: unknown;
}

type PKCStatic = {
  parseCreationOptionsFromJSON?: (json: OptionsJSON) => PublicKeyCredentialCreationOptions;
  parseRequestOptionsFromJSON?: (json: OptionsJSON) => PublicKeyCredentialRequestOptions;
  isConditionalMediationAvailable?: () => Promise<boolean>;
};

/** Encodes bytes as unpadded base64url. */
export function toBase64url(data: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url (padded or not) into bytes. */
export function fromBase64url(s: string): ArrayBuffer {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

/** The PublicKeyCredential constructor, or a FastauthError where WebAuthn is missing. */
function pkc(): PKCStatic {
  const ctor = (globalThis as unknown as { PublicKeyCredential?: PKCStatic }).PublicKeyCredential;
  if (!ctor || typeof navigator === 'undefined' || !navigator.credentials) {
    throw new FastauthError(0, 'passkeys_unsupported', 'this browser does not support passkeys (WebAuthn)');
  }
  return ctor;
}

/** Whether this browser can offer passkeys in a username field's autofill. */
export async function conditionalMediationAvailable(): Promise<boolean> {
  const ctor = (globalThis as unknown as { PublicKeyCredential?: PKCStatic }).PublicKeyCredential;
  try {
    return (await ctor?.isConditionalMediationAvailable?.()) === true;
  } catch {
    return false;
  }
}

function publicKeyOf(options: ServerOptions): OptionsJSON {
  const pk = options.publicKey;
  if (!pk || typeof pk !== 'object') throw new FastauthError(0, 'invalid_response', 'the server sent no publicKey options');
  return pk;
}

function withIds(list: unknown): unknown {
  return Array.isArray(list)
    ? list.map((d: { id: string }) => ({ ...d, id: fromBase64url(d.id) }))
    : list;
}

/** The creation options for navigator.credentials.create(). */
export function creationOptions(options: ServerOptions): PublicKeyCredentialCreationOptions {
  const json = publicKeyOf(options);
  const ctor = pkc();
  if (ctor.parseCreationOptionsFromJSON) return ctor.parseCreationOptionsFromJSON(json);
  const user = json.user as { id: string };
  return {
    ...json,
    challenge: fromBase64url(json.challenge as string),
    user: { ...user, id: fromBase64url(user.id) },
    excludeCredentials: withIds(json.excludeCredentials),
  } as unknown as PublicKeyCredentialCreationOptions;
}

/** The request options for navigator.credentials.get(). */
export function requestOptions(options: ServerOptions): PublicKeyCredentialRequestOptions {
  const json = publicKeyOf(options);
  const ctor = pkc();
  if (ctor.parseRequestOptionsFromJSON) return ctor.parseRequestOptionsFromJSON(json);
  return {
    ...json,
    challenge: fromBase64url(json.challenge as string),
    allowCredentials: withIds(json.allowCredentials),
  } as unknown as PublicKeyCredentialRequestOptions;
}

/**
 * The credential as RegistrationResponseJSON or AuthenticationResponseJSON
 * (its toJSON(), or the same built by hand).
 */
export function credentialJSON(credential: Credential | null): Record<string, unknown> {
  if (!credential) throw new FastauthError(0, 'passkey_cancelled', 'no passkey was chosen');
  const cred = credential as PublicKeyCredential & { toJSON?: () => Record<string, unknown> };
  if (typeof cred.toJSON === 'function') return cred.toJSON();
  const r = cred.response as AuthenticatorAttestationResponse & AuthenticatorAssertionResponse;
  const response: Record<string, unknown> = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if ('attestationObject' in r && r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject);
    response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
  } else {
    response.authenticatorData = toBase64url(r.authenticatorData);
    response.signature = toBase64url(r.signature);
    if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
  }
  return {
    id: cred.id,
    rawId: toBase64url(cred.rawId),
    type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment ?? undefined,
    response,
    clientExtensionResults: cred.getClientExtensionResults(),
  };
}

/** A browser refusal (NotAllowedError, AbortError...) as a FastauthError. */
export function ceremonyError(err: unknown): FastauthError {
  if (err instanceof FastauthError) return err;
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'NotAllowedError' || name === 'AbortError') {
    return new FastauthError(0, 'passkey_cancelled', message || 'the passkey ceremony was cancelled');
  }
  if (name === 'InvalidStateError') {
    return new FastauthError(0, 'passkey_exists', message || 'this authenticator already holds a passkey of the account');
  }
  return new FastauthError(0, 'passkey_failed', message || 'the passkey ceremony failed');
}
