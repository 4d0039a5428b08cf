/**
 * npm run bench:ui — the terminal UI under load, as the CLI mounts it (Ink's
 * frames through the screen writer).
 *
 * 1. Key to frame: the real App in a fake 100×30 terminal over a real
 *    FilerNode on loopback sharing 10,000 files, while about 100 node events
 *    a second arrive (log lines, new names, a running transfer's progress
 *    from a slow owner). Presses the down arrow ~200 times; the time from the
 *    key bytes to the next frame, and to the frame that shows the selection
 *    moved, against the 50 ms p95 goal.
 * 2. Bytes to the terminal at 120×40 with one transfer running and nothing
 *    else, then idle (goal under 5 KB/s, and nothing).
 * 3. Adding 20,000 files (same names in four folders) with the UI up: how
 *    long, the longest event-loop stall, frames drawn meanwhile.
 * 4. Launch to first frame of the built CLI in a pseudo-terminal, median of
 *    five, beside node printing a line (goal under 400 ms).
 *
 * Prints the figures; asserts nothing. Options: --rows N (catalogue size),
 * --presses N, --rate N (events/s), --columns N, --lines N (terminal size).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {setTimeout as delay} from 'node:timers/promises';
import {parseArgs} from 'node:util';
import type {Instance} from 'ink';
import type {FilerNode as FilerNodeType} from '../source/node/filer-node.js';
import type {FilerNodeEvents} from '../source/node/types.js';
import {startFakePeer} from '../test/support/fake-peer.js';
import {attachOverSocket, type Attached} from './attached-session.js';
import {sendResponses, type Announcement} from './ui-peers.js';
import {
  FakeStdin,
  FakeStdout,
  stripAnsi,
  summarize,
  type Summary,
} from './ui-terminal.js';

// Ink decides when it is imported whether it runs in CI, and in CI it writes
// no frames until exit. The benchmark measures the interactive path, so those
// variables go before Ink and the App are loaded (dynamically, below).
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
// Colours decide how a selection is drawn; render as to a colour terminal.
process.env.FORCE_COLOR ??= '3';

const {values: flags} = parseArgs({
  options: {
    rows: {type: 'string', default: '10000'},
    presses: {type: 'string', default: '200'},
    rate: {type: 'string', default: '100'},
    columns: {type: 'string', default: '100'},
    lines: {type: 'string', default: '30'},
    // The App over a control socket, as an attached UI (docs/daemon.md).
    attached: {type: 'boolean', default: false},
  },
});
const ROWS = Number(flags.rows);
const PRESSES = Number(flags.presses);
const EVENTS_PER_SECOND = Number(flags.rate);
const COLUMNS = Number(flags.columns);
const LINES = Number(flags.lines);
const GOAL_P95_MS = 50;
const WIRE_SECONDS = 5;

function kb(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1000).toFixed(2)} KB/s`;
}
const DOWN = '\u001B[B';

// As the CLI runs it (source/ui/run-ui.ts): React's production build, chosen
// when React is first loaded. `NODE_ENV=development npm run bench:ui` measures the other.
process.env.NODE_ENV ??= 'production';
const React = await import('react');
const {mountApp} = await import('../source/ui/terminal/mount-app.js');
const {measureWireBytes} = await import('./ui-wire.js');
const {measureBigAdd} = await import('./ui-add.js');
const {measureLaunch, scriptAvailable} = await import('./ui-launch.js');
const {FilerNode} = await import('../source/node/filer-node.js');
const {FilerApp} = await import('../source/app/filer-app.js');

const rowName = (index: number): string => `bench-${String(index).padStart(5, '0')}.dat`;

/** Counts every event a node emits, by name, from the moment of the call. */
function countEvents(node: FilerNodeType): {
  counts: Map<string, number>;
  stop: () => void;
} {
  const counts = new Map<string, number>();
  const names: Array<keyof FilerNodeEvents> = [
    'peer-added',
    'peer-removed',
    'file-added',
    'file-removed',
    'search-started',
    'search-result',
    'transfer-start',
    'transfer-progress',
    'transfer-done',
    'transfer-failed',
    'log',
  ];
  const listeners = names.map((name) => {
    const listener = (): void => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
    };
    node.on(name, listener);
    return [name, listener] as const;
  });
  return {
    counts,
    stop: () => {
      for (const [name, listener] of listeners) node.off(name, listener);
    },
  };
}

/**
 * About `perSecond` node events per second, in slots of 10 ms: per 100 ms one
 * slot is left to the transfer's own progress event, two slots are one RESP
 * for a new name (a 'found' log line and a file-added), the rest are log lines.
 * Slots that fell behind (a busy event loop) are caught up, so the rate holds.
 */
function startEventStream(
  node: FilerNodeType,
  owner: string,
  perSecond: number,
): {stop: () => Promise<void>} {
  const slotMs = 1000 / perSecond;
  const started = performance.now();
  let slot = 0;
  let extra = 0;
  const pending = new Set<Promise<void>>();
  const target = {host: '127.0.0.1', port: node.port};
  const timer = setInterval(() => {
    const due = Math.floor((performance.now() - started) / slotMs);
    for (; slot < due; slot++) {
      const phase = slot % 10;
      if (phase === 0) continue; // the running transfer's progress (10/s)
      if (phase === 1) {
        const announcement: Announcement = {name: `stream-${extra++}.log`, owner};
        const sent = sendResponses(target, [announcement], 1).catch(() => undefined);
        pending.add(sent);
        void sent.finally(() => pending.delete(sent));
        slot++; // a RESP is two events
        continue;
      }
      node.log('info', `bench event ${slot}: something happened on the network`);
    }
  }, 5);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

/**
 * The file name on the row the UI draws as selected (a › marker, then the
 * mark column, then the name), if the frame shows one.
 */
function selectedRow(frameText: string): string | undefined {
  const match = /›.{0,3}?(bench-\d{5}\.dat)/u.exec(stripAnsi(frameText));
  return match?.[1];
}

function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a';
}

function line(label: string, summary: Summary): string {
  return `${label.padEnd(28)} median ${ms(summary.median).padStart(9)}   p95 ${ms(summary.p95).padStart(9)}   p99 ${ms(summary.p99).padStart(9)}   max ${ms(summary.max).padStart(9)}   (n=${summary.count})`;
}

async function main(): Promise<void> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'filer-bench-ui-'));
  const nodeOptions = {
    port: 0,
    bindHost: '127.0.0.1',
    advertisedHost: '127.0.0.1',
    maxPeers: 5,
    downloadDir: tmp,
    // 10,000 names from one owner would be 10,000 SIZE requests: not what is measured.
    sizeLookup: false,
  };
  const owner = new FilerNode(nodeOptions);
  const node = new FilerNode(nodeOptions);
  // Trickles a file, so a transfer stays in progress while the benchmark runs.
  const slowOwner = await startFakePeer({
    answersName: true,
    serves: {total: 1024 * 1024 * 1024, bytesPerSecond: 256 * 1024},
  });
  const stdout = new FakeStdout(COLUMNS, LINES);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(COLUMNS, LINES);
  let instance: Instance | undefined;
  let attached: Attached | undefined;
  let stream: {stop: () => Promise<void>} | undefined;
  let inkRenders = 0;
  const renderTimes: number[] = [];
  let measuring = false;
  try {
    await owner.open();
    await node.open();
    await node.buildPeers('127.0.0.1', owner.port, 1);

    // The catalogue: 10,000 files shared by the node itself. (Names from RESP
    // would be bounded and rate-limited by the search's defences, issue 9 #5.)
    const fillStart = performance.now();
    const shareDir = path.join(tmp, 'catalogue');
    await fs.mkdir(shareDir);
    for (let index = 0; index < ROWS; index++) {
      await fs.writeFile(path.join(shareDir, rowName(index)), '');
    }
    await node.addShare(shareDir);
    const fillMs = performance.now() - fillStart;
    if (node.files().length < ROWS) {
      throw new Error(`catalogue has ${node.files().length} rows, expected ${ROWS}`);
    }

    const mountStart = performance.now();
    // As the CLI mounts it: Ink's frames through the screen writer, which
    // writes only the lines that changed.
    const app = new FilerApp(node);
    attached = flags.attached ? await attachOverSocket(app, tmp) : undefined;
    instance = mountApp(attached?.session ?? app, {
      verbose: false,
      stdout,
      stdin: stdin as unknown as NodeJS.ReadStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      onRender: ({renderTime}) => {
        if (!measuring) return;
        inkRenders++;
        renderTimes.push(renderTime);
      },
    }).instance;
    // Ink writes the first frame during render(); later ones follow node events.
    const showsSelection = (frame: {text: string} | undefined): boolean =>
      frame !== undefined && selectedRow(frame.text) !== undefined;
    const firstFrame = showsSelection(stdout.lastFrame)
      ? stdout.lastFrame
      : await stdout.nextFrame(showsSelection, 10_000);
    const mountMs = (firstFrame?.time ?? Number.NaN) - mountStart;
    const canSeeSelection = firstFrame !== undefined;

    // A transfer that stays running: progress events at the node's own pace.
    await sendResponses({host: '127.0.0.1', port: node.port}, [
      {name: 'slow-transfer.iso', owner: slowOwner.id},
    ]);
    const transfer = node.startFetch('slow-transfer.iso');
    stream = startEventStream(node, owner.id, EVENTS_PER_SECOND);
    await delay(1_000); // warm up under load

    const events = countEvents(node);
    const framesAtStart = stdout.frameCount;
    const eluAtStart = performance.eventLoopUtilization();
    measuring = true;
    const toNextFrame: number[] = [];
    const toVisibleMove: number[] = [];
    let unseenMoves = 0;
    const measureStart = performance.now();
    for (let press = 0; press < PRESSES; press++) {
      // A random pause, so presses land at every phase of the render throttle.
      await delay(20 + Math.random() * 40);
      const before = stdout.lastFrame && selectedRow(stdout.lastFrame.text);
      const start = performance.now();
      const nextFrame = stdout.nextFrame((frame) => frame.time >= start);
      const visible = canSeeSelection
        ? stdout.nextFrame((frame) => {
            const selected = selectedRow(frame.text);
            return selected !== undefined && selected !== before;
          })
        : Promise.resolve(undefined);
      stdin.write(DOWN);
      const [next, moved] = await Promise.all([nextFrame, visible]);
      if (next) toNextFrame.push(next.time - start);
      if (moved) toVisibleMove.push(moved.time - start);
      else if (canSeeSelection) unseenMoves++;
    }
    const seconds = (performance.now() - measureStart) / 1000;
    measuring = false;
    const elu = performance.eventLoopUtilization(eluAtStart).utilization;
    events.stop();
    const frames = stdout.frameCount - framesAtStart;
    const eventTotal = [...events.counts.values()].reduce((sum, count) => sum + count, 0);
    const lastSelected = stdout.lastFrame && selectedRow(stdout.lastFrame.text);

    await stream.stop();
    stream = undefined;
    instance.unmount();
    instance.cleanup();
    instance = undefined;

    // Bytes to the terminal at 120×40: with the one transfer running (and no
    // other events), then idle.
    const wire = {columns: 120, rows: 40, seconds: WIRE_SECONDS};
    const duringTransfer = await measureWireBytes(new FilerApp(node), wire);
    node.cancelTransfer(transfer.transfer.id);
    await transfer.done.catch(() => undefined);
    const idle = await measureWireBytes(new FilerApp(node), wire);
    // Issue 10 #3: a big directory added while the UI runs.
    const bigAdd = await measureBigAdd(node, path.join(tmp, 'big-share'), {
      folders: 4,
      perFolder: 5_000,
    });
    const launch = scriptAvailable() ? await measureLaunch(5) : undefined;

    const nextSummary = summarize(toNextFrame);
    const movedSummary = summarize(toVisibleMove);
    const goal = (summary: Summary): string =>
      Number.isNaN(summary.p95)
        ? 'not measured'
        : summary.p95 < GOAL_P95_MS
          ? `met (${ms(summary.p95)} < ${GOAL_P95_MS} ms)`
          : `NOT met (${ms(summary.p95)} ≥ ${GOAL_P95_MS} ms)`;
    const byEvent = [...events.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => `${name} ${(count / seconds).toFixed(0)}/s`)
      .join(', ');
    const reactBuild =
      process.env.NODE_ENV === 'production'
        ? 'production'
        : 'development (NODE_ENV unset)';
    const output = [
      '',
      `filer-tui UI benchmark: ${COLUMNS}×${LINES} terminal, Node ${process.version}, React ${React.version} ${reactBuild}`,
      `machine: ${os.cpus().length} CPU(s), load average ${os
        .loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')}`,
      `catalogue: ${node.files().length.toLocaleString('en')} rows (${ROWS.toLocaleString('en')} files shared in ${(fillMs / 1000).toFixed(1)} s before mounting); first frame with a selection after ${ms(mountMs)}`,
      `event stream: ${(eventTotal / seconds).toFixed(0)} node events/s (${byEvent})`,
      `key presses: ${PRESSES} × down arrow over ${seconds.toFixed(1)} s; selection went ${rowName(0)} → ${lastSelected ?? '?'}`,
      '',
      line('key → next frame', nextSummary),
      line('key → selection visible', movedSummary) +
        (unseenMoves > 0 ? `; ${unseenMoves} moves not seen within 2 s` : '') +
        (canSeeSelection ? '' : ' (no selected row found in the frames)'),
      line('ink render (layout+output)', summarize(renderTimes)),
      `renders: ${(frames / seconds).toFixed(1)} frames written/s, ${(inkRenders / seconds).toFixed(1)} ink renders/s, event loop ${(elu * 100).toFixed(0)}% busy`,
      `terminal bytes at 120×40 over ${WIRE_SECONDS} s: ${kb(duringTransfer.bytesPerSecond)} during one transfer (${duringTransfer.writesPerSecond.toFixed(1)} writes/s), ${kb(idle.bytesPerSecond)} idle (${idle.writesPerSecond.toFixed(1)} writes/s); goal under 5 KB/s and nothing idle`,
      `adding ${bigAdd.files.toLocaleString('en')} files (4 folders, the same names in each) with the UI up: ${bigAdd.seconds.toFixed(1)} s, longest event-loop stall ${ms(bigAdd.longestStallMs)}, ${bigAdd.frames} frames drawn meanwhile`,
      launch
        ? line('launch → first frame', launch.firstFrame) +
          `\n${line('launch → App frame', launch.appFrame)}\n${line('baseline: node prints a line', launch.baseline)}\n(launch: the built CLI in a 120×40 pty, median of 5; goal first frame under 400 ms; run npm run build first)`
        : 'launch: not measured (util-linux script is missing)',
      '',
      `goal: p95 under ${GOAL_P95_MS} ms from key to frame`,
      `  key → next frame:        ${goal(nextSummary)}`,
      `  key → selection visible: ${goal(movedSummary)}`,
      '',
    ];
    process.stdout.write(output.join('\n'));
  } finally {
    await stream?.stop();
    instance?.unmount();
    instance?.cleanup();
    await attached?.close();
    await node.close();
    await owner.close();
    await slowOwner.close();
    stdin.end();
    await fs.rm(tmp, {recursive: true, force: true});
  }
}

await main();
