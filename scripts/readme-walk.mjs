// Runs the curl walk of README.md ("A session with curl") as written
// against a fresh example server, and compares every response with the
// shape the README shows under its command. `make readme-walk`; CI runs it.
//
// The README's notation for a response: the comment lines right under a
// command, JSON except that a string containing "..." stands for any
// string, `{...}` for any object, and a lone `...` among an object's
// fields for further fields. Without a lone `...` an object must have
// exactly the fields shown. Only the line `B=http://127.0.0.1:8080`
// changes: the server listens on a free port. FASTAUTH_SERVER_BIN names a
// prebuilt example server (default: go build ./examples/server).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const ANY = '\u2026'; // the key standing for "further fields"
const STEP = '@@readme-walk-step@@';

function fail(msg) {
  console.error(`readme-walk: ${msg}`);
  process.exitCode = 1;
}

// walkBlock returns the sh block of the README's curl walk.
function walkBlock() {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const at = readme.indexOf('### A session with curl');
  if (at < 0) throw new Error('README.md has no "### A session with curl" section');
  const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error('the curl walk has no ```sh block');
  return m[1];
}

// steps splits the block into commands, each with the response it shows
// (undefined when none).
function steps(block) {
  const lines = block.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    let command = line;
    while (command.endsWith('\\') && i + 1 < lines.length) command += '\n' + lines[++i];
    let shown;
    if (i + 1 < lines.length && /^#\s*[[{]/.test(lines[i + 1])) {
      shown = '';
      while (i + 1 < lines.length && /^#/.test(lines[i + 1]) && (shown === '' || !balanced(shown))) {
        shown += lines[++i].replace(/^#\s?/, '') + '\n';
      }
    }
    out.push({ command, shown });
  }
  return out;
}

function balanced(text) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
  }
  return depth === 0;
}

// pattern turns the README's notation into JSON: a lone ... (outside
// strings) becomes the field "…": true.
function pattern(text) {
  let json = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      json += ch;
      if (ch === '\\') json += text[++i];
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      json += ch;
    } else if (text.startsWith('...', i)) {
      json += JSON.stringify(ANY) + ':true';
      i += 2;
    } else json += ch;
  }
  return JSON.parse(json);
}

// compare reports how actual differs from the shape want ('' if it fits).
function compare(want, actual, path = '$') {
  if (typeof want === 'string' && want.includes('...')) {
    return typeof actual === 'string' ? '' : `${path}: ${JSON.stringify(actual)}, want a string`;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(actual) || actual.length !== want.length) return `${path}: ${JSON.stringify(actual)}, want ${want.length} items`;
    for (let i = 0; i < want.length; i++) {
      const d = compare(want[i], actual[i], `${path}[${i}]`);
      if (d) return d;
    }
    return '';
  }
  if (want !== null && typeof want === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path}: ${JSON.stringify(actual)}, want an object`;
    for (const [k, v] of Object.entries(want)) {
      if (k === ANY) continue;
      if (!(k in actual)) return `${path}.${k}: missing`;
      const d = compare(v, actual[k], `${path}.${k}`);
      if (d) return d;
    }
    if (!(ANY in want)) {
      const extra = Object.keys(actual).filter((k) => !(k in want));
      if (extra.length) return `${path}: unexpected fields ${extra.join(', ')} (add them, or a lone ... to the README)`;
    }
    return '';
  }
  return want === actual ? '' : `${path}: ${JSON.stringify(actual)}, want ${JSON.stringify(want)}`;
}

async function startServer(dir) {
  let bin = process.env.FASTAUTH_SERVER_BIN;
  if (!bin) {
    bin = join(dir, 'server');
    execFileSync('go', ['build', '-o', bin, './examples/server'], { cwd: repo, stdio: 'inherit' });
  }
  const child = spawn(bin, [], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      ADDR: '127.0.0.1:0',
      DATABASE_URL: `sqlite://${join(dir, 'walk.db')}`,
      AUTH_JWT_SECRET: 'readme-walk-secret-0123456789abcdef0123456789',
      LOG_REQUESTS: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example server did not start:\n${log}`)), 60_000);
    const onData = (b) => {
      log += b.toString();
      const m = / msg=listening .*?url=(\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the example server exited (${code}):\n${log}`)));
  });
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  return { url, stop, log: () => log };
}

const dir = mkdtempSync(join(tmpdir(), 'fastauth-readme-walk-'));
let server;
try {
  const block = walkBlock();
  const walk = steps(block);
  const checked = walk.filter((s) => s.shown !== undefined).length;
  if (checked < 5) throw new Error(`the walk shows only ${checked} responses`);
  server = await startServer(dir);
  const base = walk.filter((s) => s.command === 'B=http://127.0.0.1:8080');
  if (base.length !== 1) throw new Error('the walk must set B=http://127.0.0.1:8080 exactly once');
  const script = walk
    .map((s) => (s.command === 'B=http://127.0.0.1:8080' ? `B=${server.url}` : s.command) + `\nprintf '\\n%s\\n' '${STEP}'`)
    .join('\n');
  const output = execFileSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const outputs = output.split(`\n${STEP}\n`);
  walk.forEach((s, i) => {
    const got = (outputs[i] ?? '').trim();
    const name = s.command.split('\n')[0];
    if (s.shown === undefined) return;
    let actual;
    try {
      actual = JSON.parse(got);
    } catch {
      return fail(`${name}\n  answered ${JSON.stringify(got)}, not JSON`);
    }
    let want;
    try {
      want = pattern(s.shown);
    } catch (err) {
      return fail(`${name}\n  the README's response is not in the notation: ${err.message}\n${s.shown}`);
    }
    const d = compare(want, actual);
    if (d) fail(`${name}\n  ${d}\n  answered ${got}`);
  });
  if (!process.exitCode) console.log(`readme-walk: ${walk.length} commands run, ${checked} responses match the README`);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
} finally {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
