/**
 * End to end in tmux, as a user over SSH: the node outlives its terminal
 * during a transfer (the tmux server killed, as an SSH drop would), the
 * transfer completes, and a new UI attached later shows it done; D
 * detaches; two UIs attached at once see the same state; q asks whether to
 * stop the node or close only the UI. Each test has its own XDG_RUNTIME_DIR
 * and ends every node it started.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {CLI_PATH} from '../support/cli-process.js';
import {eventually} from '../support/eventually.js';
import {startFakePeer} from '../support/fake-peer.js';
import {MiB} from '../support/network.js';
import {shellQuote, TmuxSession, tmuxAvailable} from '../e2e/tmux.js';
import {
  LOOPBACK_ARGS,
  nodeStatuses,
  processAlive,
  runCliIn,
  tempRuntimeDir,
} from './daemon-kit.js';

const skip = tmuxAvailable() ? false : 'tmux is not installed (apt-get install tmux)';
const TIMEOUT = {skip, timeout: 90_000};
const SIZE = {width: 100, height: 30};
/** Printed by the pane's shell once filer-tui exited. */
const AFTER_EXIT = 'AFTER-EXIT';
/** The App itself, not the instant first frame drawn while Ink loads (its peers say "starting…"). */
const UI_SHOWN = (screen: string): boolean =>
  screen.includes('Available Files') && !screen.includes('starting…');
/** Two Node.js start-ups and Ink's first frame, on a busy machine. */
const FIRST_FRAME = {failIf: AFTER_EXIT, timeoutMs: 30_000};

let sessions = 0;

/** A tmux server of its own running `filer-tui <args>` in the test's runtime directory. */
async function inTmux(
  t: Pick<TestContext, 'after'>,
  runtimeDir: string,
  args: string[],
): Promise<TmuxSession> {
  const tmux = new TmuxSession(`filer-detach-${process.pid}-${++sessions}`);
  t.after(() => tmux.kill());
  // Ink draws no frames until exit when it sees CI (set by CI=true npm test).
  const command = [
    'env',
    '-u',
    'CI',
    '-u',
    'CONTINUOUS_INTEGRATION',
    process.execPath,
    CLI_PATH,
    ...args,
  ]
    .map(shellQuote)
    .join(' ');
  await tmux.start(`${command}; echo ${AFTER_EXIT} $?; sleep 3600`, {
    ...SIZE,
    env: {XDG_RUNTIME_DIR: runtimeDir, XDG_STATE_HOME: runtimeDir, NO_COLOR: '1'},
  });
  return tmux;
}

async function onlyNode(runtimeDir: string) {
  return eventually(async () => {
    const nodes = await nodeStatuses(runtimeDir);
    return nodes.length === 1 ? nodes[0] : undefined;
  }, 'exactly one running node');
}

test(
  'the node outlives its terminal during a transfer; attached again, the UI shows it done',
  TIMEOUT,
  async (t) => {
    const runtime = await tempRuntimeDir(t);
    const downloads = await fs.mkdtemp(path.join(runtime, 'dl-'));
    const total = 8 * MiB;
    // The owner sends a quarter, then holds the rest until the terminal is gone.
    const owner = await startFakePeer({serves: {total, send: 2 * MiB}});
    t.after(() => owner.close());

    const first = await inTmux(t, runtime, [
      '0',
      '5',
      ...LOOPBACK_ARGS,
      '--download-dir',
      downloads,
    ]);
    await first.waitForScreen(UI_SHOWN, 'the UI', FIRST_FRAME);
    const node = await onlyNode(runtime);
    const fetch = await runCliIn(runtime, [
      'ctl',
      String(node.port),
      'fetch',
      'big.iso',
      owner.id,
    ]);
    assert.equal(fetch.code, 0, fetch.stderr);
    await first.waitForScreen(/big\.iso.*25%/, 'the transfer at 25% on screen', {
      failIf: AFTER_EXIT,
    });

    // As an SSH drop: the terminal and everything in it goes (SIGHUP to the UI).
    await first.tmux('kill-server');
    await eventually(
      async () => (await onlyNode(runtime)).uis === 0,
      'the UI to be gone',
    );
    assert.ok(processAlive(node.pid), 'the node survived its terminal');
    assert.equal((await onlyNode(runtime)).transfers, 1, 'the transfer still runs');

    const socket = owner.transfers[0];
    assert.ok(socket, 'the owner holds the transfer');
    socket.end(Buffer.alloc(total - 2 * MiB, 0x2a));
    await eventually(async () => {
      const stat = await fs.stat(path.join(downloads, 'big.iso')).catch(() => undefined);
      return stat?.size === total;
    }, 'the download to complete under its final name');

    const second = await inTmux(t, runtime, ['attach', String(node.port)]);
    const screen = await second.waitForScreen(
      /fetched big\.iso/,
      'the finished transfer in the log',
      {
        failIf: AFTER_EXIT,
      },
    );
    assert.match(screen, /big\.iso/, 'in Available Files');
    // Keep-running was turned on when the terminal went during the transfer: q asks.
    await second.sendKeys('q');
    await second.waitForScreen(
      /keep running is on.*s stop the node/,
      'the leave dialog',
      {
        failIf: AFTER_EXIT,
      },
    );
    await second.sendKeys('s');
    await second.waitForScreen(`${AFTER_EXIT} 0`, 'the UI to exit');
    await eventually(() => !processAlive(node.pid), 'the node to stop');
  },
);

test(
  'D detaches; two attached UIs see the same state; q asks, c closes only the UI',
  TIMEOUT,
  async (t) => {
    const runtime = await tempRuntimeDir(t);
    const shares = await fs.mkdtemp(path.join(runtime, 'share-'));
    await fs.writeFile(path.join(shares, 'shared-by-a.txt'), 'hello');

    const starter = await inTmux(t, runtime, ['0', '5', ...LOOPBACK_ARGS]);
    await starter.waitForScreen(UI_SHOWN, 'the UI', FIRST_FRAME);
    await starter.sendKeys('D');
    const said = await starter.waitForScreen(`${AFTER_EXIT} 0`, 'the UI to exit on D');
    assert.match(said, /the node keeps running on port \d+/);
    const node = await onlyNode(runtime);
    assert.equal(node.keepRunning, true);
    assert.equal(node.uis, 0);

    // One UI by attach, one by the start command on the same port.
    const a = await inTmux(t, runtime, ['attach']);
    const b = await inTmux(t, runtime, [String(node.port), '5', ...LOOPBACK_ARGS]);
    await a.waitForScreen(UI_SHOWN, 'UI a', FIRST_FRAME);
    await b.waitForScreen(UI_SHOWN, 'UI b', FIRST_FRAME);
    await a.waitForScreen(/keeps running/, 'the header saying the node stays');
    await eventually(async () => (await onlyNode(runtime)).uis === 2, 'two UIs attached');

    // What one UI does, the other sees.
    await a.sendKeys('a');
    await a.type(shares);
    await a.sendKeys('Enter');
    await b.waitForScreen(/shared-by-a\.txt/, 'the share in the other UI', {
      failIf: AFTER_EXIT,
    });
    // b may see the share before a's prompt has closed (a waits for its
    // command's reply): a 'q' sent then is typed into the prompt and lost.
    await a.waitForScreen(/shared-by-a\.txt[\s\S]*q quit/, 'UI a back in its lists', {
      failIf: AFTER_EXIT,
    });

    await a.sendKeys('q');
    await a.waitForScreen(
      /another UI is attached|keep running is on/,
      'the leave dialog',
      {
        failIf: AFTER_EXIT,
      },
    );
    await a.sendKeys('c');
    await a.waitForScreen(`${AFTER_EXIT} 0`, 'UI a to close');
    await eventually(async () => (await onlyNode(runtime)).uis === 1, 'one UI left');
    assert.ok(processAlive(node.pid));

    await b.sendKeys('q');
    await b.waitForScreen(/s stop the node/, 'the leave dialog in b', {
      failIf: AFTER_EXIT,
    });
    await b.sendKeys('s');
    await b.waitForScreen(`${AFTER_EXIT} 0`, 'UI b to exit');
    await eventually(() => !processAlive(node.pid), 'the node to stop');
    assert.deepEqual(await nodeStatuses(runtime), []);
  },
);

test(
  'an idle node leaves the network when its terminal goes away',
  TIMEOUT,
  async (t) => {
    const runtime = await tempRuntimeDir(t);
    const ui = await inTmux(t, runtime, ['0', '5', ...LOOPBACK_ARGS]);
    await ui.waitForScreen(UI_SHOWN, 'the UI', FIRST_FRAME);
    const node = await onlyNode(runtime);
    await ui.tmux('kill-server');
    await eventually(() => !processAlive(node.pid), 'the node to leave');
    const log = await fs.readFile(
      path.join(runtime, 'filer-tui', `${node.port}.log`),
      'utf8',
    );
    assert.match(log, /the last UI went away; leaving the network/);
    assert.match(log, /node closed/);
  },
);
