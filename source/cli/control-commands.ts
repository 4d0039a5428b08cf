/**
 * The subcommands that talk to a running node over its control socket:
 * status, stop, ctl and events. Each returns its exit code; what it prints
 * passes the terminal sanitiser, since names and ids may come from peers.
 */
import {HEADLESS_HELP, parseHeadlessCommand} from '../headless/commands.js';
import {ControlClient} from '../daemon/control-client.js';
import {socketPathFor} from '../daemon/control-dir.js';
import {RemoteSession} from '../daemon/remote-session.js';
import type {NodeStatus} from '../daemon/wire.js';
import {jsonTerminalSafe, terminalSafe} from '../text/terminal-safe.js';
import {UsageError} from './config.js';
import {choosePort, runningNodes} from './running-nodes.js';

export type Output = {out: (line: string) => void; err: (line: string) => void};

const STDIO: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`filer-tui: ${line}\n`),
};

function jsonLine(value: unknown): string {
  return jsonTerminalSafe(JSON.stringify(value));
}

/** `2h 03m`, `5m 07s`, `42s`. */
export function formatUptime(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${two(m)}m`;
  if (m > 0) return `${m}m ${two(s)}s`;
  return `${s}s`;
}

export function statusTable(nodes: readonly NodeStatus[]): string[] {
  const header = [
    'PORT',
    'ID',
    'PEERS',
    'SHARES',
    'TRANSFERS',
    'UPTIME',
    'UIS',
    'KEEP',
    'PID',
  ];
  const rows = nodes.map((node) => [
    String(node.port),
    terminalSafe(node.id),
    node.maxPeers === 0 ? String(node.peers) : `${node.peers}/${node.maxPeers}`,
    String(node.shares),
    String(node.transfers),
    formatUptime(node.now - node.startedAt),
    String(node.uis),
    node.keepRunning ? 'on' : 'off',
    String(node.pid),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  return [header, ...rows].map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export async function statusCommand(args: string[], io: Output = STDIO): Promise<number> {
  const json = args.includes('--json');
  const extra = args.find((arg) => arg !== '--json');
  if (extra !== undefined) throw new UsageError(`status takes no argument "${extra}"`);
  const nodes = await runningNodes();
  if (json) {
    for (const node of nodes) io.out(jsonLine(node));
  } else if (nodes.length === 0) {
    io.out('no node of yours is running');
  } else {
    for (const line of statusTable(nodes)) io.out(line);
  }
  return 0;
}

async function connect(port: number): Promise<ControlClient> {
  return ControlClient.connect(socketPathFor(port));
}

/** Leaves the network cleanly (QUIT to every neighbour) and waits until the node is gone. */
export async function stopCommand(args: string[], io: Output = STDIO): Promise<number> {
  if (args.length > 1)
    throw new UsageError(`stop takes at most a port, not "${args[1]}"`);
  const port = await choosePort(args[0]);
  const client = await connect(port);
  const gone = new Promise<void>((resolve) => client.onClose(resolve));
  const answer = await client
    .request({type: 'execute', command: {kind: 'quit'}})
    .catch(() => undefined);
  await gone;
  if (answer?.type === 'outcome' && !answer.outcome.ok) {
    io.err(answer.outcome.message);
    return 1;
  }
  io.out(`stopped the node on port ${port}`);
  return 0;
}

/** `ctl PORT COMMAND ...`: one command, its outcome as one JSON line; exit 1 when it failed. */
export async function ctlCommand(args: string[], io: Output = STDIO): Promise<number> {
  const [portText, ...words] = args;
  if (portText === undefined || words.length === 0) {
    throw new UsageError(
      'usage: filer-tui ctl PORT COMMAND [ARGUMENTS] (ctl PORT help lists them)',
    );
  }
  const port = await choosePort(portText);
  const parsed = parseHeadlessCommand(words.join(' '));
  if (parsed === undefined || !parsed.ok) {
    throw new UsageError(parsed?.error ?? 'a command is needed');
  }
  if (parsed.command.kind === 'help') {
    for (const line of HEADLESS_HELP) io.out(line);
    return 0;
  }
  const session = await RemoteSession.attach(socketPathFor(port), {ui: false});
  try {
    const outcome = await session.execute(parsed.command);
    io.out(jsonLine(outcome));
    if (outcome.ok) return 0;
    io.err(terminalSafe(outcome.message));
    return 1;
  } finally {
    session.close();
  }
}

/** `events PORT`: every event as a JSON line until interrupted or the node leaves. */
export async function eventsCommand(args: string[], io: Output = STDIO): Promise<number> {
  if (args.length > 1)
    throw new UsageError(`events takes at most a port, not "${args[1]}"`);
  const port = await choosePort(args[0]);
  const session = await RemoteSession.attach(socketPathFor(port), {ui: false});
  await new Promise<void>((resolve) => {
    session.subscribe((event) => {
      io.out(jsonLine(event));
      if (event.event === 'closed') resolve();
    });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        session.close();
        resolve();
      });
    }
  });
  return 0;
}
