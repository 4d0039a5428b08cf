/**
 * npm run bench:transfer — file transfer between filer-tui processes against
 * the best this machine can do, measured in the same run.
 *
 * Scenarios (--scenario main,large,multi; all by default):
 * - main: a generated file (1 GiB; --size) fetched between two filer-tui
 *   processes started from the built CLI (headless, JSON lines, loopback),
 *   alternating round by round (--rounds, 3) with the kernel copying the same
 *   file (kernel-copy.py: sendfile → recv_into a 1 MiB buffer → write). Each
 *   is timed from the request to the file written and closed. Prints medians,
 *   the ratio, one core's SHA-256 rate, and every process's peak RSS from
 *   /proc (VmHWM). The verified-fetch ratio, against the lower of the kernel
 *   copy and the SHA-256 rate, appears once the receiving node says it checked
 *   the content: its transfer-done line carries `"verified": true`. One
 *   untimed kernel copy and verified fetch come first (the first big write
 *   after the source file was written ran 4-5x slower in the kernel here).
 *   Also prints the CPU seconds each end used per GB (user + system from
 *   /proc): on a machine shared with other work the rates swing 2-5x between
 *   rounds, the CPU cost much less, so it shows where a gap comes from.
 * - large: a 6 GiB sparse file (--large-size) between two filer-tui processes.
 * - multi: a file (1 GiB; --multi-size) held by three filer-tui processes,
 *   fetched by a fourth; prints how many sources sent bytes.
 *
 * Senders run on CPU 0 and receivers on CPU 1 (taskset) unless --no-pin: on a
 * small VM the scheduler otherwise sometimes puts both ends on one core. A
 * verifying receiver may use every CPU: it hashes on a second thread, and one
 * core cannot receive and hash at these rates (cpu-pinning.ts says why that
 * stays fair).
 * Just before each timed transfer a scratch file as large as the copy is
 * written and deleted, and (root) this VM's return of free memory to the host
 * is held back until the run ends, so that the kernel copy and filer-tui
 * write into the same kind of memory (free-memory.ts; --no-warm-memory).
 * --cli compares another build; --cpu-prof DIR profiles the nodes, and
 * summarize-profile.ts prints the profiles' top self time.
 *
 * Everything lives in a temporary directory that is removed at the end, also
 * on Ctrl-C; every child process is stopped. Asserts nothing about speed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {ScenarioContext} from './context.js';
import {choosePinning} from './cpu-pinning.js';
import {MemoryWarmer} from './free-memory.js';
import {runLargeFileScenario} from './large-file-scenario.js';
import {runningProcesses} from './line-process.js';
import {runMainScenario} from './main-scenario.js';
import {runMultiSourceScenario} from './multi-source-scenario.js';
import {OptionError, parseOptions, USAGE, type BenchOptions} from './options.js';

function readOptions(): BenchOptions {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    process.stderr.write(`bench:transfer: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
}

const options = readOptions();
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'filer-bench-'));
const memory = new MemoryWarmer(workDir, options.warmMemory);

/** Synchronous, so that it also works from a signal handler. */
function cleanUp(): void {
  for (const child of runningProcesses) child.kill();
  memory.release();
  fs.rmSync(workDir, {recursive: true, force: true});
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    cleanUp();
    process.stderr.write(`\nbench:transfer: interrupted (${signal}); cleaned up\n`);
    process.exit(130);
  });
}

const pinning = choosePinning(options.pin);
const context: ScenarioContext = {
  options,
  workDir,
  print: (line) => process.stdout.write(`${line}\n`),
  ...(pinning ? {pinning} : {}),
  memory,
};
const started = Date.now();
/** Other work on the machine makes rounds disagree; say so next to the figures. */
const loadText = (): string => `load average ${os.loadavg()[0]?.toFixed(2)} (1 min)`;
context.print(
  `filer-tui transfer benchmark: node ${process.version}, ${os.cpus().length} CPU(s), ` +
    `loopback 127.0.0.1, MB = 10^6 bytes, work dir ${workDir}`,
);
context.print(`CLI under test: ${options.cliPath}; ${loadText()} at start`);
if ((os.loadavg()[0] ?? 0) > os.cpus().length / 2) {
  context.print(
    'warning: the machine is busy with other work; single rounds will disagree',
  );
}
context.print(
  pinning
    ? `pinned (taskset; --no-pin lets the scheduler choose): senders on CPU ${pinning.sender}, ` +
        `receivers that only move bytes (kernel, plain) on CPU ${pinning.receiver}, ` +
        `verifying receivers on CPUs ${pinning.verifyingReceiver} (they hash on a second thread)`
    : 'not pinned: the scheduler places every process',
);
context.print(memory.describe());
try {
  for (const scenario of options.scenarios) {
    context.print('');
    if (scenario === 'main') await runMainScenario(context);
    else if (scenario === 'large') await runLargeFileScenario(context);
    else await runMultiSourceScenario(context);
  }
  context.print('');
  context.print(
    `done in ${((Date.now() - started) / 1000).toFixed(0)} s; ${loadText()} at the end ` +
      `(this run alone adds about 2; more means other work competed)`,
  );
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`bench:transfer: ${(error as Error).message}\n`);
} finally {
  await Promise.all([...runningProcesses].map((child) => child.stop()));
  cleanUp();
}
if (options.cpuProfDir) {
  context.print(`CPU profiles (*.cpuprofile) are in ${path.resolve(options.cpuProfDir)}`);
}
