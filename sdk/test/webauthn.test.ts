// The base64url fallback of the passkey helpers, without a browser.
import { describe, expect, it } from 'vitest';
import { FastauthError, fromBase64url, toBase64url } from '../src/index.js';
import { ceremonyError } from '../src/webauthn.js';

describe('base64url', () => {
  it('round-trips every byte value, unpadded and URL-safe', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) % 256);
      const s = toBase64url(bytes);
      expect(s).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(new Uint8Array(fromBase64url(s))).toEqual(bytes);
    }
    expect(toBase64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(new Uint8Array(fromBase64url('-_8='))).toEqual(new Uint8Array([0xfb, 0xff]));
  });
});

describe('ceremonyError', () => {
  it('names what the browser refused', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name });
    expect(ceremonyError(named('NotAllowedError')).code).toBe('passkey_cancelled');
    expect(ceremonyError(named('AbortError')).code).toBe('passkey_cancelled');
    expect(ceremonyError(named('InvalidStateError')).code).toBe('passkey_exists');
    expect(ceremonyError(named('SecurityError')).code).toBe('passkey_failed');
    const own = new FastauthError(400, 'invalid_ceremony', 'x');
    expect(ceremonyError(own)).toBe(own);
  });
});
