/**
 * filer-tui nodes under test, each in its own process, started from the built
 * CLI in headless JSON mode on loopback: the interface that stays stable while
 * the internals change.
 */
import path from 'node:path';
import {LineProcess, type LineRecord} from './line-process.js';

const LISTENING = /^listening as (\S+:\d+)/;

export type FilerNodeSpec = {
  label: string;
  cliPath: string;
  downloadDir: string;
  shares?: string[];
  firstPeer?: string;
  /** Write a V8 CPU profile into this directory when the node exits. */
  cpuProfDir?: string;
  /** Run on these CPUs only (a taskset list). */
  cpu?: string;
  /** Print debug lines too (the sender says when a share is hashed). */
  verbose?: boolean;
  /** Fetch with plain FGET only (no verification). */
  plainFetch?: boolean;
};

export type FilerNode = {process: LineProcess; id: string};

export async function startFilerNode(spec: FilerNodeSpec): Promise<FilerNode> {
  const nodeFlags = spec.cpuProfDir
    ? ['--cpu-prof', '--cpu-prof-dir', path.join(spec.cpuProfDir, spec.label)]
    : [];
  const args = [
    ...nodeFlags,
    spec.cliPath,
    '0',
    '0',
    ...(spec.firstPeer ? [spec.firstPeer] : []),
    '--headless',
    '--json',
    '--host',
    '127.0.0.1',
    '--bind',
    '127.0.0.1',
    '--download-dir',
    spec.downloadDir,
    ...(spec.shares ?? []).flatMap((share) => ['--share', share]),
    ...(spec.verbose ? ['--verbose'] : []),
    ...(spec.plainFetch ? ['--plain-fetch'] : []),
  ];
  const child = new LineProcess(spec.label, process.execPath, args, {
    // Hash caches stay in the run's work directory, not the user's state.
    env: {
      ...process.env,
      NO_COLOR: '1',
      XDG_STATE_HOME: path.join(path.dirname(spec.downloadDir), `state-${spec.label}`),
    },
    cpu: spec.cpu,
  });
  const listening = await child.waitFor(
    (record) => record.event === 'log' && LISTENING.test(String(record.message)),
    {timeoutMs: 20_000},
  );
  const id = LISTENING.exec(String(listening.message))?.[1];
  if (id === undefined) throw new Error(`${spec.label}: no peer id`);
  return {process: child, id};
}

/** Waits until the node shares `name` itself (its file-added line). */
export function waitForLocalFile(node: FilerNode, name: string): Promise<LineRecord> {
  return node.process.waitFor(
    (record) => {
      const file = record.file as {name?: unknown; local?: unknown} | undefined;
      return record.event === 'file-added' && file?.name === name && file.local === true;
    },
    {timeoutMs: 60_000},
  );
}

export type FetchOutcome = {
  seconds: number;
  /** transfer-done or transfer-failed, or an `error` line if it never started. */
  record: LineRecord;
  ok: boolean;
};

/**
 * Sends `fetch NAME [OWNER]` and times it until the transfer-done (or failed)
 * line: from the request to the file complete, closed and under its name.
 */
export async function timedFetch(
  node: FilerNode,
  name: string,
  owner: string | undefined,
  timeoutMs: number,
  /** Runs just before the clock starts. */
  beforeStart: () => void = () => undefined,
): Promise<FetchOutcome> {
  beforeStart();
  const since = node.process.mark();
  const started = process.hrtime.bigint();
  node.process.send(owner ? `fetch ${name} ${owner}` : `fetch ${name}`);
  const record = await node.process.waitFor(
    (line) =>
      line.event === 'transfer-done' ||
      line.event === 'transfer-failed' ||
      line.event === 'error',
    {since, timeoutMs},
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {seconds, record, ok: record.event === 'transfer-done'};
}

/** The transfer object of a transfer-done/-failed line. */
export function transferOf(record: LineRecord): Record<string, unknown> {
  const transfer = record.transfer;
  return typeof transfer === 'object' && transfer !== null
    ? (transfer as Record<string, unknown>)
    : {};
}

/** Polite stop: `quit`, stdin closed, SIGKILL if it lingers. */
export function stopFilerNode(node: FilerNode): Promise<void> {
  return node.process.stop('quit');
}

/**
 * Waits until a verbose node says it hashed a share (as a share long shared
 * is); builds without hashing just go on after a while.
 */
export async function waitForHashed(node: FilerNode): Promise<void> {
  await node.process
    .waitFor((line) => line.event === 'log' && /^hashed /.test(String(line.message)), {
      timeoutMs: 120_000,
    })
    .catch(() => undefined);
}
