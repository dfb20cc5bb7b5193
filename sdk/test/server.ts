// Starts the real example server (SQLite, short access-token lifetime) for a
// test, and gives Node a cookie jar so the cookie flow is the real one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** origin + /auth */
  authUrl: string;
  /** Everything the server wrote so far (access log included). */
  output(): string;
  /** Number of POST /auth/refresh requests in the access log, by status. */
  refreshes(status?: number): number;
  /** Path of the mail outbox (JSON lines). */
  outbox: string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  accessTTL?: string;
  env?: Record<string, string>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fastauth-srv-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const outbox = join(dir, 'outbox.jsonl');
  let out = '';
  const child: ChildProcess = spawn(inject('serverBin'), [], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${join(dir, 'x.db')}`,
      AUTH_JWT_SECRET: 'sdk-test-secret-0123456789abcdef0123456789abcdef',
      AUTH_ACCESS_TTL: options.accessTTL ?? '2s',
      AUTH_RATE_LIMIT_PER_IP: '0',
      LOG_REQUESTS: 'true',
      MAIL_OUTBOX: outbox,
      // A provider mounts the social module (discovery is lazy: no
      // network until a flow starts).
      AUTH_OAUTH_PROVIDERS: 'google',
      AUTH_OAUTH_GOOGLE_CLIENT_ID: 'sdk-test-client',
      AUTH_OAUTH_GOOGLE_CLIENT_SECRET: 'sdk-test-client-secret',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`example server exited early:\n${out}`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`example server did not become healthy:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    origin,
    authUrl: `${origin}/auth`,
    outbox,
    output: () => out,
    refreshes: (status?: number) =>
      out
        .split('\n')
        .filter(
          (l) =>
            l.includes('msg=request') &&
            l.includes('method=POST') &&
            l.includes('path=/auth/refresh ') &&
            (status === undefined || l.includes(`status=${status} `)),
        ).length,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface StoredCookie {
  value: string;
  path: string;
  expires: number; // ms epoch; Infinity for session cookies
}

/**
 * A minimal cookie jar for one origin: honours Path, Max-Age, Expires and
 * deletion, and drops expired cookies the way browsers do (so an expired
 * access token is simply not sent, as in a browser).
 */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** A fetch that sends and stores this jar's cookies. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const header = this.header(url.pathname);
    const headers = new Headers(request.headers);
    if (header) headers.set('Cookie', header);
    const init: RequestInit & { duplex?: 'half' } = {
      method: request.method,
      headers,
      redirect: request.redirect,
    };
    if (request.body) {
      init.body = await request.arrayBuffer();
    }
    const response = await fetch(request.url, init);
    this.store(response.headers.getSetCookie());
    return response;
  };

  has(name: string): boolean {
    this.expire();
    return this.cookies.has(name);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  /** Copies every cookie of other into this jar (a second tab of one browser). */
  copyFrom(other: CookieJar): void {
    for (const [k, v] of other.cookies) this.cookies.set(k, { ...v });
  }

  private header(path: string): string {
    this.expire();
    const parts: string[] = [];
    for (const [name, c] of this.cookies) {
      if (path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : c.path + '/')) {
        parts.push(`${name}=${c.value}`);
      }
    }
    return parts.join('; ');
  }

  private expire(): void {
    const now = Date.now();
    for (const [name, c] of this.cookies) if (c.expires <= now) this.cookies.delete(name);
  }

  private store(setCookies: string[]): void {
    const now = Date.now();
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expires = Infinity;
      for (const a of attrs) {
        const [k = '', v = ''] = a.split('=');
        switch (k.toLowerCase()) {
          case 'path':
            path = v || '/';
            break;
          case 'max-age':
            expires = now + Number(v) * 1000;
            break;
          case 'expires':
            if (expires === Infinity) expires = Date.parse(v);
            break;
        }
      }
      if (expires <= now || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, path, expires });
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

let counter = 0;
/** A unique e-mail address for this run. */
export function email(prefix = 'user'): string {
  counter++;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}@example.com`;
}

export const PASSWORD = 'correct-horse-9';
