/**
 * The App against real FilerNodes on loopback, key by key. Each test builds
 * its own network: `ui` is the node behind the screen, `remote` shares
 * files and `second` shares one name as well, so a fetch can have two
 * sources. Every assertion reads a frame that a wait has shown to hold what
 * is asserted.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {FilerApp} from '../../source/app/filer-app.js';
import type {FilerNode} from '../../source/node/filer-node.js';
import {eventually} from '../support/eventually.js';
import {announce} from '../support/raw-client.js';
import {testNetwork, waitFor, type TestNetwork} from '../support/network.js';
import {
  KEY,
  lineWith,
  renderApp,
  selectedFileRow,
  type AppHarness,
} from '../support/ui-harness.js';

const TIMEOUT = {timeout: 60_000};

type Setup = {
  network: TestNetwork;
  ui: FilerNode;
  app: FilerApp;
  remote: FilerNode;
  second: FilerNode;
  tmp: string;
  downloads: string;
  localShare: string;
  /** Renders the App over `app`; unmounted when the test ends. */
  open: (size?: {columns: number; rows: number}) => Promise<AppHarness>;
};

/**
 * The network of one test. `local` shares one.txt, two.txt and three.txt
 * from `ui`; `join: false` leaves `ui` without peers.
 */
async function setup(
  t: TestContext,
  {local = false, join = true}: {local?: boolean; join?: boolean} = {},
): Promise<Setup> {
  const network = testNetwork(t);
  const tmp = await network.tempDir('ui-app');
  const downloads = path.join(tmp, 'downloads');
  const localShare = path.join(tmp, 'local');
  const remoteShare = path.join(tmp, 'remote');
  const secondShare = path.join(tmp, 'second');
  for (const dir of [downloads, localShare, remoteShare, secondShare]) {
    await fs.mkdir(dir);
  }
  for (const name of ['one.txt', 'two.txt', 'three.txt']) {
    await fs.writeFile(path.join(localShare, name), `local ${name}\n`);
  }
  await fs.writeFile(path.join(remoteShare, 'alpha-song.mp3'), 'alpha'.repeat(5000));
  await fs.writeFile(path.join(remoteShare, 'alpha-notes.txt'), 'notes about alpha\n');
  await fs.writeFile(path.join(remoteShare, 'both.txt'), 'the same file twice\n');
  await fs.writeFile(path.join(secondShare, 'both.txt'), 'the same file twice\n');

  const ui = await network.startNode({downloadDir: downloads});
  const app = new FilerApp(ui);
  const remote = await network.startNode();
  const second = await network.startNode();
  await remote.addShare(remoteShare);
  await second.addShare(secondShare);
  await second.buildPeers('127.0.0.1', remote.port);
  if (join) await ui.buildPeers('127.0.0.1', remote.port);
  if (local) await ui.addShare(localShare);
  const open = async (size?: {columns: number; rows: number}) => {
    const harness = await renderApp(app, size);
    t.after(() => harness.unmount());
    return harness;
  };
  return {network, ui, app, remote, second, tmp, downloads, localShare, open};
}

/** Waits until the Files selection is on a row matching `pattern`. */
function selected(app: AppHarness, pattern: RegExp): Promise<string> {
  return app.waitForFrame(
    (frame) => pattern.test(selectedFileRow(frame)),
    `the selection on ${pattern}`,
  );
}

/** Moves the Files selection to the row named `name`, from the top. */
async function selectRow(app: AppHarness, name: string): Promise<void> {
  await app.press(KEY.home);
  let frame = await app.waitForFrame(
    (text) => /Available Files · 1\//.test(text),
    'the first row',
  );
  while (!selectedFileRow(frame).includes(name)) {
    const before = selectedFileRow(frame);
    await app.press(KEY.down);
    // Fails (times out) at the end of the list: the name is not listed.
    frame = await app.waitForFrame(
      (text) => selectedFileRow(text) !== before,
      `${name} listed`,
    );
  }
}

function keyBar(frame: string): string {
  return frame.trimEnd().split('\n').at(-1) ?? '';
}

test(
  'renders the header, each pane and its rows, and the key bar',
  TIMEOUT,
  async (t) => {
    const {ui, remote, second, open} = await setup(t, {local: true});
    const app = await open();
    const frame = await app.waitForFrame(
      (text) =>
        text.includes('three.txt') &&
        text.includes(remote.id) &&
        text.includes(second.id) &&
        /sharing 3 file\(s\)/.test(text),
      'local files, both peers and the log line',
    );
    const header = frame.split('\n')[0] ?? '';
    assert.match(header, new RegExp(`filer-tui\\s+${ui.id}\\s+peers 2/5\\s+shared 3`));
    assert.match(frame, /Available Files · 1\/3/);
    assert.match(frame, /Peer List · 2\/5/);
    assert.match(frame, /Log/);
    assert.match(lineWith(frame, 'one.txt'), /one\.txt\s+local\s+\d+ B/);
    assert.match(
      keyBar(frame),
      /Tab focus\s+↑↓ move\s+f fetch\s+a add\s+s search\s+b rebuild.*\? help\s+q quit/,
    );
    assert.equal(frame.split('\n').length, 29, 'one line less than the terminal');
  },
);

test('Tab and Shift-Tab move the focus; the key bar follows it', TIMEOUT, async (t) => {
  const {remote, open} = await setup(t, {local: true});
  const app = await open();
  let frame = await app.waitForFrame(
    (text) => /f fetch/.test(keyBar(text)) && text.includes('one.txt'),
    'f in the key bar',
  );
  assert.doesNotMatch(keyBar(frame), /d remove/);
  await app.press(KEY.tab);
  frame = await app.waitForFrame(
    (text) => /d remove/.test(keyBar(text)) && /› 127/.test(lineWith(text, remote.id)),
    'd in the key bar and the cursor on a peer',
  );
  assert.doesNotMatch(keyBar(frame), /f fetch/);
  await app.press(KEY.shiftTab);
  await app.waitForFrame((text) => /f fetch/.test(keyBar(text)), 'f in the key bar');
});

test('arrow keys, PgDn, End and Home move the selection', TIMEOUT, async (t) => {
  const {open} = await setup(t, {local: true});
  const app = await open();
  // The share walker lists a directory in name order.
  await selected(app, /one\.txt/);
  await app.press(KEY.down);
  await selected(app, /three\.txt/);
  await app.press(KEY.down, KEY.down);
  await selected(app, /two\.txt/);
  await app.press(KEY.up);
  await selected(app, /three\.txt/);
  await app.press(KEY.home);
  await selected(app, /one\.txt/);
  await app.press(KEY.end);
  await selected(app, /two\.txt/);
  await app.press(KEY.pageUp);
  await selected(app, /one\.txt/);
  await app.press(KEY.pageDown);
  const frame = await selected(app, /two\.txt/);
  assert.match(frame, /Available Files · 3\/3/, 'the title counts the selection');
});

test(
  'a: prompts for a path, refuses a bad one, shares a good one',
  TIMEOUT,
  async (t) => {
    const {tmp, open} = await setup(t);
    const app = await open();
    await app.press('a');
    await app.waitForFrame((frame) => frame.includes('Add a share'), 'the add prompt');
    await app.type(path.join(tmp, 'does-not-exist'));
    await app.press(KEY.enter);
    let frame = await app.waitForFrame(
      (text) =>
        text.includes('no such file or directory') &&
        /warn\s+add: cannot share .*does-not-exist/.test(text),
      'the refusal in the prompt and in the log',
    );
    assert.match(frame, /Add a share/, 'the prompt stays open to fix the path');
    await app.press(KEY.escape);
    await app.waitForFrame(
      (text) => !text.includes('Add a share') && text.includes('add: cancelled'),
      'closed, with a log line',
    );

    const extra = path.join(tmp, 'extra.txt');
    await fs.writeFile(extra, 'extra');
    await app.press('a');
    await app.type(extra);
    await app.press(KEY.enter);
    frame = await app.waitForFrame(
      (text) =>
        /extra\.txt\s+local/.test(text) &&
        !text.includes('Add a share') &&
        /sharing 1 file\(s\) from .*extra\.txt/.test(text),
      'extra.txt shared, with a log line',
    );
  },
);

test('s searches: results arrive marked and selected', TIMEOUT, async (t) => {
  const {open} = await setup(t, {local: true});
  const app = await open();
  await app.press('s');
  await app.waitForFrame((frame) => frame.includes('Search for:'), 'the search prompt');
  await app.type('alpha');
  await app.waitForFrame((frame) => frame.includes('Search for: alpha'), 'typed');
  await app.press(KEY.enter);
  const frame = await app.waitForFrame(
    (text) =>
      text.includes('* 2 for "alpha"') &&
      /alpha-/.test(selectedFileRow(text)) &&
      /search "alpha" sent to 2 of 2 peer\(s\)/.test(text),
    'both results, the first selected, and the log line',
  );
  assert.match(
    lineWith(frame, 'alpha-song.mp3'),
    /\* alpha-song\.mp3\s+127\.0\.0\.1:\d+/,
  );
  assert.match(lineWith(frame, 'alpha-notes.txt'), /\* alpha-notes\.txt/);
  assert.doesNotMatch(lineWith(frame, 'one.txt'), /\*/, 'older rows are not marked');
  await app.waitForFrame(
    (text) => /alpha-song\.mp3.*24\.4 KiB/.test(text),
    'the size learned from the owner',
  );
});

test(
  'f fetches the selected remote file; it lands on disk and turns local',
  TIMEOUT,
  async (t) => {
    const {ui, remote, downloads, open} = await setup(t);
    for (const name of ['alpha-song.mp3', 'alpha-notes.txt']) {
      await announce(ui.port, name, remote.id);
    }
    const app = await open();
    await selectRow(app, 'alpha-song.mp3');
    const done = waitFor(ui, 'transfer-done');
    await app.press('f');
    const [transfer] = await done;
    assert.equal(
      await fs.readFile(path.join(downloads, 'alpha-song.mp3'), 'utf8'),
      'alpha'.repeat(5000),
    );
    assert.equal(transfer.path, path.join(downloads, 'alpha-song.mp3'));
    await app.waitForFrame(
      (text) =>
        /alpha-song\.mp3\s+local/.test(text) &&
        /fetched alpha-song\.mp3 \(25000 bytes\)/.test(text),
      'the row marked local, and the log line',
    );

    // Enter fetches too; fetching a local file says why not, in the log.
    await app.press('f');
    await app.waitForFrame(
      (text) => text.includes('alpha-song.mp3 is already shared by this node'),
      'the refusal in the log',
    );
    await selectRow(app, 'alpha-notes.txt');
    const notes = waitFor(ui, 'transfer-done');
    await app.press(KEY.enter);
    await notes;
    assert.equal(
      await fs.readFile(path.join(downloads, 'alpha-notes.txt'), 'utf8'),
      'notes about alpha\n',
    );
  },
);

test('a file with two owners opens a source list', TIMEOUT, async (t) => {
  const {ui, second, downloads, open} = await setup(t);
  const app = await open();
  await app.press('s');
  await app.type('both');
  await app.press(KEY.enter);
  await app.waitForFrame(
    (frame) =>
      /both\.txt\s+2 peers:/.test(frame) && selectedFileRow(frame).includes('both'),
    'both.txt from two peers, selected',
  );
  await app.press('f');
  let frame = await app.waitForFrame(
    (text) => text.includes('Fetch both.txt from'),
    'the source list',
  );
  assert.match(frame, /any of the 2 \(tries each in turn\)/);
  assert.ok(lineWith(frame, second.id).length > 0);
  assert.match(keyBar(frame), /↑↓ choose.*Enter fetch.*Esc close/);
  await app.press(KEY.escape);
  await app.waitForFrame(
    (text) =>
      !text.includes('Fetch both.txt') && text.includes('fetch both.txt: cancelled'),
    'closed, with a log line',
  );

  await app.press('f');
  await app.waitForFrame(
    (text) => text.includes('Fetch both.txt from'),
    'the list again',
  );
  const owner = ui.file('both.txt')?.owners[1] as string;
  await app.press(KEY.down, KEY.down);
  await app.waitForFrame(
    (text) => lineWith(text, '❯').includes(owner),
    `the second owner, ${owner}, highlighted`,
  );
  const done = waitFor(ui, 'transfer-done');
  await app.press(KEY.enter);
  const [transfer] = await done;
  assert.equal(transfer.owner, owner);
  assert.equal(
    await fs.readFile(path.join(downloads, 'both.txt'), 'utf8'),
    'the same file twice\n',
  );
});

test('a transfer shows a progress bar; c cancels it', TIMEOUT, async (t) => {
  const {network, ui, downloads, open} = await setup(t);
  // An owner that sends a quarter of a mebibyte of the announced one, then stalls.
  const owner = await network.startFakePeer({
    serves: {total: 1024 * 1024, send: 256 * 1024},
  });
  await announce(ui.port, 'slow.bin', owner.id);
  const app = await open();
  await app.waitForFrame((frame) => frame.includes('slow.bin'), 'slow.bin listed');
  await app.press(KEY.end);
  let frame = await selected(app, /slow\.bin/);
  assert.doesNotMatch(keyBar(frame), /c cancel/);
  await app.press('f');
  frame = await app.waitForFrame(
    (text) =>
      /↓ slow\.bin\s+█+░+\s+25% 256 KiB\/1\.0 MiB\s+[\d.]+ [KM]iB\/s\s+ETA \w+/.test(
        text,
      ),
    'a progress bar with bytes, rate and ETA',
  );
  assert.match(frame.split('\n')[0] ?? '', /transfers 1/);
  assert.match(lineWith(frame, 'slow.bin  '), /↓ slow\.bin/, 'the row is marked ↓');
  assert.match(keyBar(frame), /c cancel/);
  const failed = waitFor(ui, 'transfer-failed');
  await app.press('c');
  const [transfer] = await failed;
  assert.equal(transfer.state, 'cancelled');
  frame = await app.waitForFrame(
    (text) =>
      text.includes('fetch of slow.bin cancelled') &&
      text.includes('cancelling the transfer of slow.bin') &&
      !/↓ slow\.bin\s+█/.test(text),
    'the bar gone and the log lines',
  );
  assert.match(frame.split('\n')[0] ?? '', /transfers 0/);
  await assert.rejects(fs.access(path.join(downloads, 'slow.bin')));
  // With nothing running, c says so instead of doing nothing.
  await app.press('c');
  await app.waitForFrame((text) => text.includes('no transfer is running'), 'c refused');
});

test('d and Delete remove the selected peer after y; n keeps it', TIMEOUT, async (t) => {
  const {ui, remote, second, open} = await setup(t);
  const app = await open();
  await app.press(KEY.tab);
  let frame = await app.waitForFrame(
    (text) => lineWith(text, '› 127').length > 0,
    'peer cursor',
  );
  const target = /› (127\.0\.0\.1:\d+)/.exec(frame)?.[1] as string;
  const targetNode = target === remote.id ? remote : second;
  await app.press('d');
  frame = await app.waitForFrame((text) => text.includes('Remove peer'), 'the dialog');
  assert.match(
    frame,
    new RegExp(`Remove ${target} from the peer list\\? .* y yes\\s+n no`),
  );
  await app.press('n');
  await app.waitForFrame(
    (text) => !text.includes('Remove peer') && text.includes(`kept peer ${target}`),
    'closed, with a log line',
  );
  assert.ok(ui.peers().some((peer) => peer.id === target));

  await app.press(KEY.delete);
  await app.waitForFrame((text) => text.includes('Remove peer'), 'the dialog again');
  await app.press(KEY.escape);
  await app.waitForFrame((text) => !text.includes('Remove peer'), 'Esc declines');

  await app.press(KEY.delete);
  await app.waitForFrame((text) => text.includes('Remove peer'), 'the dialog again');
  const told = waitFor(targetNode, 'peer-removed', (peer) => peer.id === ui.id);
  await app.press('y');
  const [, reason] = await told;
  assert.equal(reason, 'quit', 'the peer was sent QUIT');
  frame = await app.waitForFrame(
    (text) =>
      text.includes(`peer removed: ${target} (removed)`) && /Peer List · 1\/5/.test(text),
    'the peer gone from the list',
  );
  assert.doesNotMatch(
    frame.split('\n').slice(1, 20).join('\n'),
    new RegExp(`› ${target}`),
  );
});

test('b prompts for host:port, refuses a bad one, and joins', TIMEOUT, async (t) => {
  const {remote, open} = await setup(t, {join: false});
  const app = await open();
  await app.press('b');
  await app.waitForFrame((frame) => frame.includes('Rebuild the peer list'), 'prompt');
  await app.type('nonsense');
  await app.press(KEY.enter);
  await app.waitForFrame(
    (frame) => frame.includes('"nonsense" is not host:port'),
    'the refusal',
  );
  await app.press(KEY.escape);
  await app.press('b');
  await app.type(remote.id);
  await app.press(KEY.enter);
  await app.waitForFrame(
    (text) =>
      text.includes(`rebuild: joining through ${remote.id} (3 hops)`) &&
      text.includes(`rebuild: 2 peer(s) added via ${remote.id}`) &&
      /Peer List · 2\/5/.test(text),
    'both peers joined, with the log lines',
  );
});

test('r and Ctrl-L check the peers now', TIMEOUT, async (t) => {
  const {open} = await setup(t);
  const app = await open();
  await app.press('r');
  await app.waitForFrame(
    (frame) => /refresh: 2 of 2 peer\(s\) alive/.test(frame),
    'the refresh result',
  );
  await app.press(KEY.ctrlL);
  await app.waitForFrame(
    (frame) => frame.split('refresh: checking 2 peer(s)').length === 3,
    'a second refresh',
  );
});

test(
  '? opens the help overlay with every key; Esc and ? close it',
  TIMEOUT,
  async (t) => {
    const {open} = await setup(t);
    const app = await open();
    await app.press('?');
    const frame = await app.waitForFrame((text) => text.includes('▶ Help'), 'the help');
    for (const text of [
      'Tab Shift-Tab',
      'PgUp PgDn',
      'f Enter',
      'd Del',
      'network',
      'Available Files',
      'Peer List',
      'Remove the selected peer',
    ]) {
      assert.ok(frame.includes(text), `help lists ${text}`);
    }
    // The rest is a scroll away.
    await app.press(KEY.end);
    const end = await app.waitForFrame(
      (text) => text.includes('Log view (l)'),
      'the end',
    );
    for (const text of ['r Ctrl-L', 'q Ctrl-C', 'Quit from any prompt or dialog']) {
      assert.ok(end.includes(text), `help lists ${text}`);
    }
    assert.doesNotMatch(frame, /Available Files ·/, 'the overlay covers the panes');
    assert.match(keyBar(frame), /\? help\s+q quit\s+↑↓ scroll\s+Esc close/);
    await app.press(KEY.escape);
    await app.waitForFrame((text) => text.includes('Available Files ·'), 'closed');
    await app.press('?');
    await app.waitForFrame((text) => text.includes('▶ Help'), 'open');
    await app.press('?');
    await app.waitForFrame((text) => text.includes('Available Files ·'), 'closed by ?');
  },
);

test('keys that do not apply say so in the log', TIMEOUT, async (t) => {
  const {open} = await setup(t);
  const app = await open();
  await app.press('d');
  await app.waitForFrame(
    (frame) => frame.includes('d (remove): select a peer in Peer List first'),
    'the hint for d in the Files pane',
  );
  await app.press('x');
  await app.waitForFrame(
    (frame) => frame.includes('x does nothing here; ? lists the keys'),
    'the hint for an unknown key',
  );
});

test(
  'keys typed in one burst are each taken: "s" + key + Enter searches',
  TIMEOUT,
  async (t) => {
    const {open} = await setup(t);
    const app = await open();
    await app.type('ssong\r');
    await app.waitForFrame(
      (frame) =>
        frame.includes('* 1 for "song"') && !frame.includes('Search the network'),
      'the search run from one burst',
    );
    await app.press('s');
    await app.type('oth\r');
    await app.waitForFrame((frame) => frame.includes('* 1 for "oth"'), 'a pasted line');
  },
);

test('a terminal below 60x15 shows one line instead of the panes', TIMEOUT, async (t) => {
  const {open} = await setup(t);
  const narrow = await open({columns: 59, rows: 20});
  assert.equal(
    (
      await narrow.waitForFrame((text) => text.includes('too small'), 'the notice')
    ).trim(),
    'terminal too small (need 60x15) · now 59x20 · q quits',
  );
  narrow.unmount();
  const short = await open({columns: 80, rows: 14});
  await short.waitForFrame(
    (text) => /^terminal too small \(need 60x15\)/.test(text),
    'the notice',
  );
  short.unmount();
  const minimum = await open({columns: 60, rows: 15});
  const frame = await minimum.waitForFrame(
    (text) => text.includes('Available Files ·'),
    'the panes',
  );
  assert.equal(frame.split('\n').length, 14);
});

test(
  'at 60x15 with a dialog open, one row of transfers shows the newest only',
  TIMEOUT,
  async (t) => {
    const {network, ui, app: session, open} = await setup(t);
    for (const name of ['first.bin', 'second.bin']) {
      const owner = await network.startFakePeer({
        serves: {total: 1024 * 1024, send: 1024},
      });
      await announce(ui.port, name, owner.id);
      const fetching = await session.execute({kind: 'fetch', name});
      assert.equal(fetching.ok, true);
    }
    const app = await open({columns: 60, rows: 15});
    await app.waitForFrame(
      (frame) => frame.split('\n').filter((line) => line.startsWith('↓ ')).length === 2,
      'both transfers',
    );
    await app.press(KEY.tab);
    await app.press('d');
    const frame = await app.waitForFrame(
      (text) => text.includes('Remove peer'),
      'the dialog at 60x15',
    );
    const lines = frame.split('\n');
    assert.equal(lines.length, 14, 'one line less than the terminal');
    const bars = lines.filter((line) => line.startsWith('↓ '));
    assert.equal(bars.length, 1, `one transfer row:\n${frame}`);
    assert.match(
      bars[0] ?? '',
      /^↓ second\.bin\s+[█░]+\s+(\d+|\?)% /,
      'the newest, whole',
    );
    const dialog = lines.findIndex((line) => line.includes('Remove peer'));
    assert.match(lines[dialog + 1] ?? '', /║Remove 127\.0\.0\.1:\d+ from the peer list/);
    assert.match(lines[dialog + 2] ?? '', /^╚═+╝$/, 'the dialog is whole');
  },
);

test('q sends QUIT to the peers, closes the node and exits', TIMEOUT, async (t) => {
  const {ui, remote, second, open} = await setup(t);
  const app = await open();
  const told = Promise.all(
    [remote, second].map((peer) =>
      waitFor(peer, 'peer-removed', (removed) => removed.id === ui.id),
    ),
  );
  await app.press('q');
  const reasons = (await told).map(([, reason]) => reason);
  assert.deepEqual(reasons, ['quit', 'quit']);
  await eventually(() => app.exited(), 'the app to exit');
  assert.equal(ui.isOpen, false);
});
