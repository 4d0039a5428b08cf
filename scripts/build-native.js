// Builds the optional zero-copy transfer addon (native/zero-copy.c) at
// install time, on Linux only, with the system's C compiler and the Node-API
// headers Node ships beside itself. It never fails the install: without a
// compiler or headers filer-tui uses its JavaScript path (a little slower),
// and says so in one line. FILER_TUI_NATIVE=0 skips the build.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, renameSync, rmSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = path.join(root, 'native', 'zero-copy.c');
const output = path.join(root, 'native', 'build', 'zero-copy.node');
const say = (text) => console.log(`filer-tui: ${text}`);

function headerDirectory() {
  const candidates = [
    path.join(path.dirname(path.dirname(process.execPath)), 'include', 'node'),
    process.config.variables.node_prefix &&
      path.join(process.config.variables.node_prefix, 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find(
    (directory) => directory && existsSync(path.join(directory, 'node_api.h')),
  );
}

function build() {
  if (process.env.FILER_TUI_NATIVE === '0') return 'skipped (FILER_TUI_NATIVE=0)';
  if (process.platform !== 'linux') return `not needed on ${process.platform}`;
  if (!existsSync(source)) return 'no native source in this package';
  const headers = headerDirectory();
  if (!headers) return 'no Node-API headers found beside node';
  const compiler = process.env.CC || 'cc';
  mkdirSync(path.dirname(output), {recursive: true});
  const temporary = `${output}.${process.pid}.tmp`;
  const result = spawnSync(
    compiler,
    [
      '-O2',
      '-shared',
      '-fPIC',
      '-pthread',
      '-Wall',
      '-DNODE_GYP_MODULE_NAME=zero_copy',
      '-DNAPI_VERSION=8',
      `-I${headers}`,
      source,
      '-o',
      temporary,
    ],
    {encoding: 'utf8', timeout: 120_000},
  );
  if (result.error || result.status !== 0) {
    rmSync(temporary, {force: true});
    const reason = result.error?.message ?? result.stderr.trim().split('\n')[0];
    return `not built (${compiler}: ${reason || `exit ${result.status}`})`;
  }
  renameSync(temporary, output);
  return undefined;
}

const problem = build();
if (problem) {
  rmSync(output, {force: true});
  say(`zero-copy transfers ${problem}; using the portable path`);
} else {
  say('zero-copy transfers built (sendfile, splice)');
}
