// Bundles the built CLI (dist/cli.js and what it imports) into one file per
// load step, so that starting the UI reads a few files instead of hundreds:
// importing Ink alone loads some 600 modules, most of the start-up time.
// Headless mode never loads the UI's chunk. React's production build is
// chosen at bundle time, as the CLI chooses it at run time.
import {build} from 'esbuild';
import {rmSync} from 'node:fs';

const dist = new URL('../dist/', import.meta.url).pathname;
rmSync(`${dist}chunks`, {recursive: true, force: true});
// tsc's map no longer describes the bundled file.
rmSync(`${dist}cli.js.map`, {force: true});
await build({
  // The hashing worker thread loads its own file (source/node/transfer/prefix-hasher.ts).
  entryPoints: {
    cli: `${dist}cli.js`,
    'hash-worker': `${dist}node/transfer/hash-worker.js`,
  },
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  define: {'process.env.NODE_ENV': '"production"'},
  // Ink loads its devtools only when asked to (DEV=true); it is not installed.
  external: ['react-devtools-core'],
  // Bundled CommonJS modules (React, yoga) still call require() for Node's own modules.
  banner: {
    js: "import {createRequire as createRequireForBundle} from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
  logLevel: 'warning',
});
