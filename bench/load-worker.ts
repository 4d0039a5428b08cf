/**
 * One load-generating process of bench:load. Its role comes as JSON in
 * LOAD_WORKER: legitimate clients (NAME / LIST / QUER / small FGET, each on
 * its own connection, back to back), idle sockets, or a RESP or QUER flood.
 * At the end it prints one JSON line: counts, errors and latencies (ms).
 */
import net from 'node:net';
import {setTimeout as delay} from 'node:timers/promises';

export type WorkerRole =
  | {kind: 'legit'; clients: number; fileName: string; fileSize: number; returnId: string}
  | {kind: 'idle'; sockets: number}
  | {kind: 'resp-flood'; perSecond: number; owner: string}
  | {kind: 'quer-flood'; perSecond: number; returnId: string};

export type WorkerConfig = {
  port: number;
  /** Loopback source addresses to spread connections over (per-address caps). */
  sources: string[];
  durationMs: number;
  role: WorkerRole;
};

export type WorkerReport = {
  kind: WorkerRole['kind'];
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  latenciesMs: number[];
};

function frame(type: string, data = ''): Buffer {
  const body = Buffer.from(data, 'utf8');
  const header = Buffer.alloc(8);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** One request on its own connection: every byte until the server's EOF. */
function exchange(port: number, localAddress: string, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({host: '127.0.0.1', port, localAddress});
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.write(request);
  });
}

type Check = (reply: Buffer) => boolean;

function replyText(reply: Buffer): string {
  return reply.length >= 8 ? reply.subarray(8, 8 + reply.readUInt32BE(4)).toString() : '';
}

const isRepl = (reply: Buffer): boolean => reply.toString('latin1', 0, 4) === 'REPL';

async function legit(config: WorkerConfig, role: Extract<WorkerRole, {kind: 'legit'}>) {
  const report: WorkerReport = {
    kind: 'legit',
    requests: 0,
    errors: 0,
    errorKinds: {},
    latenciesMs: [],
  };
  const end = Date.now() + config.durationMs;
  const keys = ['a', 'b', 'c', 'd', 'e', role.fileName.slice(0, 4)];
  const mix: Array<[Buffer | (() => Buffer), Check]> = [
    [frame('NAME'), (reply) => isRepl(reply) && /^[\d.]+:\d+$/.test(replyText(reply))],
    [frame('LIST'), (reply) => isRepl(reply) && /^\d+$/.test(replyText(reply))],
    [
      () =>
        frame(
          'QUER',
          `${role.returnId} ${keys[Math.floor(Math.random() * keys.length)]} 0`,
        ),
      (reply) => isRepl(reply) && replyText(reply).startsWith('Query ACK: '),
    ],
    [
      frame('FGET', role.fileName),
      (reply) =>
        isRepl(reply) &&
        reply.readUInt32BE(4) === role.fileSize &&
        reply.length === 8 + role.fileSize,
    ],
  ];
  const client = async (index: number): Promise<void> => {
    const source = config.sources[index % config.sources.length] ?? '127.0.0.1';
    for (let turn = index; Date.now() < end; turn++) {
      const [request, check] = mix[turn % mix.length] as [Buffer | (() => Buffer), Check];
      const started = performance.now();
      try {
        const reply = await exchange(
          config.port,
          source,
          typeof request === 'function' ? request() : request,
        );
        if (!check(reply)) throw new Error(`bad reply to ${turn % mix.length}`);
        report.latenciesMs.push(performance.now() - started);
        report.requests++;
      } catch (error) {
        report.errors++;
        const kind = (error as {code?: string}).code ?? (error as Error).message;
        report.errorKinds[kind] = (report.errorKinds[kind] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({length: role.clients}, (_, index) => client(index)));
  return report;
}

/** Holds idle connections; the ones the node closes are opened again. */
async function idle(config: WorkerConfig, sockets: number): Promise<WorkerReport> {
  const report: WorkerReport = {
    kind: 'idle',
    requests: 0,
    errors: 0,
    errorKinds: {},
    latenciesMs: [],
  };
  const end = Date.now() + config.durationMs;
  const open = (index: number): void => {
    if (Date.now() >= end) return;
    report.requests++;
    const socket = net.connect({
      host: '127.0.0.1',
      port: config.port,
      localAddress: config.sources[index % config.sources.length],
    });
    socket.on('error', () => undefined);
    socket.on('close', () => setTimeout(() => open(index), 100));
    setTimeout(() => socket.destroy(), Math.max(0, end - Date.now()));
  };
  for (let index = 0; index < sockets; index++) open(index);
  await delay(config.durationMs + 200);
  return report;
}

/** Sends `make(n)` fire-and-forget at `perSecond`, spread over the sources. */
async function flood(
  config: WorkerConfig,
  kind: 'resp-flood' | 'quer-flood',
  perSecond: number,
  make: (n: number) => Buffer,
) {
  const report: WorkerReport = {
    kind,
    requests: 0,
    errors: 0,
    errorKinds: {},
    latenciesMs: [],
  };
  const end = Date.now() + config.durationMs;
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  let sent = 0;
  while (Date.now() < end) {
    for (let index = 0; index < perTick; index++) {
      const n = sent++;
      const socket = net.connect({
        host: '127.0.0.1',
        port: config.port,
        localAddress: config.sources[n % config.sources.length],
      });
      socket.on('error', () => void report.errors++);
      socket.end(make(n));
      socket.resume();
      report.requests++;
    }
    await delay(tickMs);
  }
  return report;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.LOAD_WORKER ?? '{}') as WorkerConfig;
  const {role} = config;
  let report: WorkerReport;
  switch (role.kind) {
    case 'legit':
      report = await legit(config, role);
      break;
    case 'idle':
      report = await idle(config, role.sockets);
      break;
    case 'resp-flood':
      report = await flood(config, role.kind, role.perSecond, (n) =>
        frame('RESP', `forged-${n}.bin ${role.owner}`),
      );
      break;
    case 'quer-flood':
      report = await flood(config, role.kind, role.perSecond, (n) =>
        frame(
          'QUER',
          `${role.returnId} ${n % 10 === 0 ? 'k'.repeat(60_000) : `key${n}`} 4`,
        ),
      );
      break;
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await main();
