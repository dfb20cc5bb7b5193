// Proves the package is publishable and strictly typed, as a consumer sees
// it (CI runs it: npm run check:pack):
//
//   1. `npm pack` (prepack builds dist/) and the tarball holds the built
//      entry points with their types, the README and the LICENSE, and no
//      tests;
//   2. the tarball installs into a fresh project outside this package;
//   3. that project compiles under `tsc --strict` (plus
//      noUncheckedIndexedAccess, without skipLibCheck): the files in
//      consumer/ and every ts/tsx example of README.md, none of which may
//      use a non-null assertion (`!`) or optional chaining (`?.`);
//   4. both entry points load in Node, and the core one imports no React.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const sdk = resolve(import.meta.dirname, '..');
const fail = (msg) => {
  console.error(`check-pack: ${msg}`);
  process.exit(1);
};
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const work = mkdtempSync(join(tmpdir(), 'fastauth-pack-'));
try {
  // 1. The tarball.
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], sdk));
  const files = new Set(packed.files.map((f) => f.path));
  const required = [
    'package.json', 'README.md', 'LICENSE',
    'dist/index.js', 'dist/index.d.ts', 'dist/react.js', 'dist/react.d.ts',
    'dist/store.js', 'dist/store.d.ts', 'dist/session.js', 'dist/session.d.ts', 'dist/client/types.gen.d.ts',
  ];
  for (const f of required) if (!files.has(f)) fail(`the tarball lacks ${f}`);
  for (const f of files) if (f.startsWith('test/') || f.startsWith('consumer/') || f.startsWith('node_modules/')) fail(`the tarball ships ${f}`);
  if (readFileSync(join(sdk, 'LICENSE'), 'utf8') !== readFileSync(join(sdk, '..', 'LICENSE'), 'utf8')) {
    fail('sdk/LICENSE differs from the repository LICENSE');
  }
  console.log(`check-pack: ${packed.filename}: ${files.size} files, ${packed.size} bytes`);

  // 2. A fresh consumer project.
  const app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--offline', join(work, packed.filename)], app);
  // React (the optional peer) and its types come from this package's dev
  // dependencies; the consumer gets nothing else from here.
  for (const dep of ['react', 'react-dom', '@types/react', '@types/react-dom']) {
    mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(sdk, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
  }

  // 3. Strict compilation of consumer/ and the README's examples.
  cpSync(join(sdk, 'consumer'), join(app, 'src'), { recursive: true });
  const readme = readFileSync(join(sdk, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```(ts|tsx)\n([\s\S]*?)```/g)];
  if (blocks.length < 3) fail(`README.md has ${blocks.length} ts examples; expected the usage examples`);
  blocks.forEach(([, lang, code], i) => writeFileSync(join(app, 'src', `readme-${i + 1}.${lang}`), `${code}\nexport {};\n`));
  const sources = readdirSync(join(app, 'src')).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
  for (const f of sources) {
    const text = readFileSync(join(app, 'src', f), 'utf8').replace(/\/\/.*$/gm, '');
    const bad = text.match(/[\w)\]]!(?![=])|\?\./);
    if (bad) fail(`${f}: uses "${bad[0]}"; a strict consumer needs neither non-null assertions nor optional chaining`);
  }
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        jsx: 'react-jsx', strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true,
        skipLibCheck: false, types: [], outDir: 'out',
      },
      include: ['src'],
    }),
  );
  try {
    run(join(sdk, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
  } catch (err) {
    fail(`the consumer does not compile:\n${err.stdout ?? err}`);
  }
  console.log(`check-pack: ${sources.length} consumer files (${blocks.length} from README.md) compile under --strict`);

  // 4. Runtime entry points.
  const probe = `
    const core = await import('@fastauth/sdk');
    const react = await import('@fastauth/sdk/react');
    for (const name of ['createFastauth', 'createSessionStore', 'FastauthError', 'SessionFetch']) {
      if (typeof core[name] !== 'function') throw new Error('@fastauth/sdk lacks ' + name);
    }
    if (typeof react.useSession !== 'function') throw new Error('@fastauth/sdk/react lacks useSession');
    const auth = core.createFastauth({ baseUrl: 'http://127.0.0.1:9/auth' });
    if (core.createSessionStore(auth).getSnapshot().status !== 'loading') throw new Error('store');`;
  run(process.execPath, ['--input-type=module', '-e', probe], app);
  const installed = join(app, 'node_modules', '@fastauth', 'sdk', 'dist');
  for (const f of readdirSync(installed)) {
    if (f.endsWith('.js') && f !== 'react.js' && /from\s*['"]react(-dom)?['"]/.test(readFileSync(join(installed, f), 'utf8'))) {
      fail(`dist/${f} imports React; only the react entry point may`);
    }
  }
  console.log('check-pack: both entry points load; only @fastauth/sdk/react imports React');
} finally {
  rmSync(work, { recursive: true, force: true });
}
