import { describe, expect, it } from 'vitest';

import { can, type AuthResponse } from '../src/index.js';

// A unit test: no server involved.
function session(permissions: unknown): AuthResponse {
  return {
    user: { id: 'u', email: 'ada@example.com', email_confirmed_at: null, name: null, image_url: null, metadata: {} },
    organization: { id: 'o', kind: 'shared', name: 'Acme', role: 'billing', permissions } as AuthResponse['organization'],
    auth_role: 'authenticated',
  } as AuthResponse;
}

describe('can', () => {
  it('reads the active organization permissions', () => {
    const s = session(['billing:manage', 'project:read']);
    expect(can(s, 'project:read')).toBe(true);
    expect(can(s, 'billing:manage')).toBe(true);
    expect(can(s, 'project:write')).toBe(false);
  });
  it('holds nothing without a session or permissions', () => {
    expect(can(null, 'project:read')).toBe(false);
    expect(can(undefined, 'project:read')).toBe(false);
    expect(can(session(undefined), 'project:read')).toBe(false);
    expect(can(session([]), 'project:read')).toBe(false);
  });
});
