/**
 * Load benchmark (`npm run bench:load [-- --seconds N --clients N]`): a
 * FilerNode in its own process under N concurrent legitimate clients (NAME,
 * LIST, QUER, small FGET, one connection each, back to back) for N seconds,
 * then the same with a hostile mix beside them (idle sockets, forged RESP
 * and QUER floods). Load generators are processes of their own. The same
 * clients against a minimal server in the same run give the baseline.
 * Prints requests/s, p50/p99 latency, errors, and the peak RSS and
 * descriptors of the server process read from /proc.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import type {ChildConfig} from '../test/support/node-child.js';
import type {WorkerConfig, WorkerReport, WorkerRole} from './load-worker.js';

const {values} = parseArgs({
  options: {
    seconds: {type: 'string', default: '30'},
    clients: {type: 'string', default: '500'},
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const WORKERS = 4;
const FILE_NAME = 'load-sample.bin';
const FILE_SIZE = 16 * 1024;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;

/** n loopback source addresses 127.<block>.x.y, so per-address caps see many clients. */
function sources(block: number, count: number, offset = 0): string[] {
  return Array.from({length: count}, (_, index) => {
    const n = offset + index + 1;
    return `127.${block}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  });
}

/** Starts `script` with tsx; resolves with the process and its first JSON line. */
async function startProcess<T>(
  script: string,
  env: Record<string, string>,
  until: (record: Record<string, unknown>) => boolean,
): Promise<{child: ChildProcess; first: T}> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {...process.env, ...env},
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({input: child.stdout as NodeJS.ReadableStream});
  const first = await new Promise<T>((resolve, reject) => {
    lines.on('line', (line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (until(record)) resolve(record as T);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
  return {child, first};
}

async function runWorker(config: WorkerConfig): Promise<WorkerReport> {
  const {first} = await startProcess<WorkerReport>(
    path.join(HERE, 'load-worker.ts'),
    {LOAD_WORKER: JSON.stringify(config)},
    () => true,
  );
  return first;
}

/** Peak RSS and descriptors of process `pid`, sampled every 100 ms from /proc. */
function watchProcess(pid: number): {stop: () => {rss: number; fds: number}} {
  let rss = 0;
  let fds = 0;
  const sample = async (): Promise<void> => {
    try {
      const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rss = Math.max(rss, kb * 1024);
      fds = Math.max(fds, (await fs.readdir(`/proc/${pid}/fd`)).length);
    } catch {
      // the process is gone
    }
  };
  const timer = setInterval(() => void sample(), 100);
  return {
    stop: () => {
      clearInterval(timer);
      return {rss, fds};
    },
  };
}

type PhaseResult = {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  errorKinds: Record<string, number>;
  rss: number;
  fds: number;
  hostile: string;
};

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ??
    Number.NaN
  );
}

async function phase(
  name: string,
  port: number,
  pid: number,
  hostile: WorkerRole[],
): Promise<PhaseResult> {
  const durationMs = SECONDS * 1000;
  const watcher = watchProcess(pid);
  const perWorker = Math.ceil(CLIENTS / WORKERS);
  const legit = Array.from({length: WORKERS}, (_, worker) =>
    runWorker({
      port,
      // Ten clients per source address, as clients of a real network would be spread.
      sources: sources(1, Math.ceil(perWorker / 10), worker * 100),
      durationMs,
      role: {
        kind: 'legit',
        clients: perWorker,
        fileName: FILE_NAME,
        fileSize: FILE_SIZE,
        returnId: sinkId,
      },
    }),
  );
  const attackers = hostile.map((role, index) =>
    runWorker({port, sources: sources(2 + index, 10), durationMs, role}),
  );
  const reports = await Promise.all(legit);
  const hostileReports = await Promise.all(attackers);
  const usage = watcher.stop();
  const latencies = Float64Array.from(
    reports.flatMap((report) => report.latenciesMs),
  ).sort();
  const errorKinds: Record<string, number> = {};
  for (const report of reports) {
    for (const [kind, count] of Object.entries(report.errorKinds)) {
      errorKinds[kind] = (errorKinds[kind] ?? 0) + count;
    }
  }
  return {
    name,
    rps: latencies.length / SECONDS,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors: reports.reduce((sum, report) => sum + report.errors, 0),
    errorKinds,
    rss: usage.rss,
    fds: usage.fds,
    hostile: hostileReports
      .map((report) => `${report.kind} ${report.requests}`)
      .join(', '),
  };
}

/** Accepts and reads; answers nothing, closes when the peer does. A RESP sink and a black hole. */
async function silentServer(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const sink = await silentServer();
const sinkId = `127.0.0.1:${(sink.address() as net.AddressInfo).port}`;
const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'filer-load-'));
await fs.writeFile(path.join(directory, FILE_NAME), Buffer.alloc(FILE_SIZE, 0x2a));

console.log(
  `bench:load — ${CLIENTS} clients, ${SECONDS} s per phase, ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(2)}`,
);
const results: PhaseResult[] = [];
const baseline = await startProcess<{port: number}>(
  path.join(HERE, 'load-baseline.ts'),
  {LOAD_FILE_SIZE: String(FILE_SIZE)},
  (record) => 'port' in record,
);
results.push(
  await phase('baseline server', baseline.first.port, baseline.child.pid ?? 0, []),
);
baseline.child.kill();

const nodeConfig: ChildConfig = {
  options: {
    port: 0,
    bindHost: '127.0.0.1',
    advertisedHost: '127.0.0.1',
    downloadDir: directory,
  },
  shares: [path.join(directory, FILE_NAME)],
};
const node = await startProcess<{port: number}>(
  path.join(HERE, '../test/support/node-child.ts'),
  {FILER_CHILD: JSON.stringify(nodeConfig)},
  (record) => record.event === 'listening',
);
const nodePid = node.child.pid ?? 0;
results.push(await phase('filer node', node.first.port, nodePid, []));
results.push(
  await phase('filer node + hostile', node.first.port, nodePid, [
    {kind: 'idle', sockets: 300},
    {kind: 'resp-flood', perSecond: 500, owner: sinkId},
    {kind: 'quer-flood', perSecond: 200, returnId: sinkId},
  ]),
);
node.child.kill();
sink.close();
await fs.rm(directory, {recursive: true, force: true});

const base = results[0];
console.log('');
console.log(
  'phase                    req/s   vs base   p50 ms   p99 ms   errors   peak RSS   peak fds',
);
for (const result of results) {
  const ratio = base ? (result.rps / base.rps).toFixed(2) : '-';
  console.log(
    [
      result.name.padEnd(22),
      result.rps.toFixed(0).padStart(7),
      `${ratio}x`.padStart(9),
      result.p50.toFixed(2).padStart(8),
      result.p99.toFixed(2).padStart(8),
      String(result.errors).padStart(8),
      `${(result.rss / MiB).toFixed(0)} MiB`.padStart(10),
      String(result.fds).padStart(10),
    ].join(' '),
  );
  if (result.errors > 0) console.log(`  errors: ${JSON.stringify(result.errorKinds)}`);
  if (result.hostile) console.log(`  hostile: ${result.hostile}`);
}
console.log(`load at the end ${os.loadavg()[0]?.toFixed(2)}`);
