/**
 * The App against real FilerNodes on loopback: `ui` is the node behind the
 * screen, `remote` shares files and `second` shares one name as well, so a
 * fetch can have two sources.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {TestNetwork, waitFor} from '../support/network.js';
import {eventually} from '../support/eventually.js';
import {
  announce,
  KEY,
  lineWith,
  renderApp,
  selectedFileRow,
  type AppHarness,
} from '../support/ui-harness.js';

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
  await app.waitForFrame((frame) => /Available Files · 1\//.test(frame), 'the first row');
  while (!selectedFileRow(app.frame()).includes(name)) {
    const before = selectedFileRow(app.frame());
    await app.press(KEY.down);
    // Fails (times out) at the end of the list: the name is not listed.
    await app.waitForFrame(
      (frame) => selectedFileRow(frame) !== before,
      `${name} listed`,
    );
  }
}

function keyBar(frame: string): string {
  return frame.trimEnd().split('\n').at(-1) ?? '';
}

describe('App over real nodes', () => {
  let ui: FilerNode;
  let remote: FilerNode;
  let second: FilerNode;
  const network = new TestNetwork();
  let tmp: string;
  let downloads: string;
  let localShare: string;
  const apps: AppHarness[] = [];

  const open = async (size?: {columns: number; rows: number}): Promise<AppHarness> => {
    const app = await renderApp(ui, size);
    apps.push(app);
    await app.waitForFrame((frame) => frame.includes('Available Files'), 'the panes');
    return app;
  };

  before(async () => {
    tmp = await network.tempDir('ui-app');
    downloads = path.join(tmp, 'downloads');
    localShare = path.join(tmp, 'local');
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

    ui = await network.startNode({downloadDir: downloads});
    remote = await network.startNode();
    second = await network.startNode();
    await remote.addShare(remoteShare);
    await second.addShare(secondShare);
    await second.buildPeers('127.0.0.1', remote.port);
    await ui.buildPeers('127.0.0.1', remote.port);
    assert.deepEqual(
      ui
        .peers()
        .map((peer) => peer.id)
        .sort(),
      [remote.id, second.id].sort(),
    );
  });

  after(async () => {
    for (const app of apps) app.unmount();
    await network.close();
  });

  test('renders the header, each pane and its rows, and the key bar', async () => {
    await ui.addShare(localShare);
    const app = await open();
    const frame = await app.waitForFrame(
      (text) => text.includes('three.txt') && text.includes(second.id),
      'local files and both peers',
    );
    const header = frame.split('\n')[0] ?? '';
    assert.match(header, new RegExp(`filer-tui\\s+${ui.id}\\s+peers 2/5\\s+shared 3`));
    assert.match(frame, /Available Files · 1\/3/);
    assert.match(frame, /Peer List · 2\/5/);
    assert.match(frame, /Log/);
    assert.match(lineWith(frame, 'one.txt'), /one\.txt\s+local\s+\d+ B/);
    assert.ok(frame.includes(remote.id) && frame.includes(second.id));
    assert.match(frame, /sharing 3 file\(s\)/, 'the log pane shows node log lines');
    const keyBar = frame.trimEnd().split('\n').at(-1) ?? '';
    assert.match(
      keyBar,
      /Tab focus\s+↑↓ move\s+f fetch\s+a add\s+s search\s+b rebuild.*\? help\s+q quit/,
    );
    assert.equal(frame.split('\n').length, 29, 'one line less than the terminal');
    app.unmount();
  });

  test('Tab and Shift-Tab move the focus; the key bar follows it', async () => {
    const app = await open();
    assert.match(keyBar(app.frame()), /f fetch/);
    assert.doesNotMatch(keyBar(app.frame()), /d remove/);
    await app.press(KEY.tab);
    await app.waitForFrame((frame) => /d remove/.test(keyBar(frame)), 'd in the key bar');
    assert.doesNotMatch(keyBar(app.frame()), /f fetch/);
    assert.match(
      lineWith(app.frame(), remote.id),
      /› 127/,
      'the peer row has the cursor',
    );
    await app.press(KEY.shiftTab);
    await app.waitForFrame((frame) => /f fetch/.test(keyBar(frame)), 'f in the key bar');
    app.unmount();
  });

  test('arrow keys, PgDn, End and Home move the selection', async () => {
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
    await selected(app, /two\.txt/);
    assert.match(app.frame(), /Available Files · 3\/3/, 'the title counts the selection');
    app.unmount();
  });

  test('a: prompts for a path, refuses a bad one, shares a good one', async () => {
    const app = await open();
    await app.press('a');
    await app.waitForFrame((frame) => frame.includes('Add a share'), 'the add prompt');
    const missing = path.join(tmp, 'does-not-exist');
    await app.type(missing);
    await app.press(KEY.enter);
    let frame = await app.waitForFrame(
      (text) => text.includes('no such file or directory'),
      'the refusal',
    );
    assert.match(frame, /Add a share/, 'the prompt stays open to fix the path');
    assert.match(lineWith(frame, 'warn'), /add: cannot share .*does-not-exist/);
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
      (text) => /extra\.txt\s+local/.test(text) && !text.includes('Add a share'),
      'extra.txt shared',
    );
    assert.match(frame, /sharing 1 file\(s\) from .*extra\.txt/);
    app.unmount();
  });

  test('s searches: results arrive marked and selected; / opens the same prompt', async () => {
    const app = await open();
    await app.press('/');
    await app.waitForFrame((frame) => frame.includes('Search the network'), 'prompt');
    await app.press(KEY.escape);
    await app.waitForFrame((frame) => !frame.includes('Search the network'), 'closed');

    await app.press('s');
    await app.waitForFrame((frame) => frame.includes('Search for:'), 'the search prompt');
    await app.type('alpha');
    await app.waitForFrame((frame) => frame.includes('Search for: alpha'), 'typed');
    await app.press(KEY.enter);
    const frame = await app.waitForFrame(
      (text) => text.includes('alpha-song.mp3') && text.includes('alpha-notes.txt'),
      'both results',
    );
    assert.match(
      lineWith(frame, 'alpha-song.mp3'),
      /\* alpha-song\.mp3\s+127\.0\.0\.1:\d+/,
    );
    assert.match(lineWith(frame, 'alpha-notes.txt'), /\* alpha-notes\.txt/);
    assert.doesNotMatch(lineWith(frame, 'one.txt'), /\*/, 'older rows are not marked');
    assert.match(frame, /\* 2 for "alpha"/);
    assert.match(selectedFileRow(frame), /alpha-/, 'the first result is selected');
    assert.match(frame, /search "alpha" sent to 2 of 2 peer\(s\)/);
    await app.waitForFrame(
      (text) => /alpha-song\.mp3.*24\.4 KiB/.test(text),
      'the size learned from the owner',
    );
    app.unmount();
  });

  test('f fetches the selected remote file; it lands on disk and turns local', async () => {
    const app = await open();
    // The search left both alpha files in the list.
    await selectRow(app, 'alpha-song.mp3');
    const done = waitFor(ui, 'transfer-done');
    await app.press('f');
    const [transfer] = await done;
    assert.equal(
      await fs.readFile(path.join(downloads, 'alpha-song.mp3'), 'utf8'),
      'alpha'.repeat(5000),
    );
    assert.equal(transfer.path, path.join(downloads, 'alpha-song.mp3'));
    const frame = await app.waitForFrame(
      (text) => /alpha-song\.mp3\s+local/.test(text),
      'the row marked local',
    );
    assert.match(frame, /fetched alpha-song\.mp3 \(25000 bytes\)/);

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
    app.unmount();
  });

  test('a file with two owners opens a source list (ink-select-input)', async () => {
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
    const keyBar = frame.trimEnd().split('\n').at(-1) ?? '';
    assert.match(keyBar, /↑↓ choose.*Enter fetch.*Esc close/);
    await app.press(KEY.escape);
    frame = await app.waitForFrame((text) => !text.includes('Fetch both.txt'), 'closed');
    assert.match(frame, /fetch both\.txt: cancelled/);

    await app.press('f');
    await app.waitForFrame(
      (text) => text.includes('Fetch both.txt from'),
      'the list again',
    );
    await app.press(KEY.down, KEY.down);
    const chosen = lineWith(app.frame(), '❯').trim();
    const owner = /(127\.0\.0\.1:\d+)/.exec(chosen)?.[1];
    assert.ok(owner, `an owner is highlighted: ${chosen}`);
    const done = waitFor(ui, 'transfer-done');
    await app.press(KEY.enter);
    const [transfer] = await done;
    assert.equal(transfer.owner, owner);
    assert.equal(
      await fs.readFile(path.join(downloads, 'both.txt'), 'utf8'),
      'the same file twice\n',
    );
    app.unmount();
  });

  test('a transfer shows a progress bar; c cancels it', async () => {
    // An owner that sends a quarter of a mebibyte of the announced one, then stalls.
    const owner = await network.startFakePeer({
      serves: {total: 1024 * 1024, send: 256 * 1024},
    });
    await announce(ui, 'slow.bin', owner.id);
    const app = await open();
    await app.waitForFrame((frame) => frame.includes('slow.bin'), 'slow.bin listed');
    await app.press(KEY.end);
    await selected(app, /slow\.bin/);
    assert.doesNotMatch(keyBar(app.frame()), /c cancel/);
    await app.press('f');
    let frame = await app.waitForFrame(
      (text) =>
        /↓ slow\.bin\s+█+░+\s+25% 256 KiB\/1\.0 MiB\s+[\d.]+ [KM]iB\/s\s+ETA \w+/.test(
          text,
        ),
      'a progress bar with bytes, rate and ETA',
    );
    assert.match(frame.split('\n')[0] ?? '', /transfers 1/);
    assert.match(lineWith(frame, 'slow.bin  '), /↓ slow\.bin/, 'the row is marked ↓');
    assert.match(frame.trimEnd().split('\n').at(-1) ?? '', /c cancel/);
    const failed = waitFor(ui, 'transfer-failed');
    await app.press('c');
    const [transfer] = await failed;
    assert.equal(transfer.state, 'cancelled');
    frame = await app.waitForFrame(
      (text) =>
        text.includes('fetch of slow.bin cancelled') && !/↓ slow\.bin\s+█/.test(text),
      'the bar gone and a log line',
    );
    assert.match(frame, /cancelling the transfer of slow\.bin/);
    assert.match(frame.split('\n')[0] ?? '', /transfers 0/);
    await assert.rejects(fs.access(path.join(downloads, 'slow.bin')));
    // With nothing running, c says so instead of doing nothing.
    await app.press('c');
    await app.waitForFrame(
      (text) => text.includes('no transfer is running'),
      'c refused',
    );
    app.unmount();
  });

  test('d and Delete remove the selected peer after y; n keeps it', async () => {
    const app = await open();
    await app.press(KEY.tab);
    await app.waitForFrame((frame) => lineWith(frame, '› 127').length > 0, 'peer cursor');
    const target = /› (127\.0\.0\.1:\d+)/.exec(app.frame())?.[1] as string;
    const targetNode = target === remote.id ? remote : second;
    await app.press('d');
    let frame = await app.waitForFrame(
      (text) => text.includes('Remove peer'),
      'the dialog',
    );
    assert.match(
      frame,
      new RegExp(`Remove ${target} from the peer list\\? .* y yes\\s+n no`),
    );
    await app.press('n');
    frame = await app.waitForFrame((text) => !text.includes('Remove peer'), 'closed');
    assert.match(frame, new RegExp(`kept peer ${target}`));
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
        text.includes(`peer removed: ${target} (removed)`) &&
        /Peer List · 1\/5/.test(text),
      'the peer gone from the list',
    );
    assert.doesNotMatch(
      frame.split('\n').slice(1, 20).join('\n'),
      new RegExp(`› ${target}`),
    );
    app.unmount();
  });

  test('b prompts for host:port, refuses a bad one, and rejoins', async () => {
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
    const frame = await app.waitForFrame(
      (text) =>
        /rebuild: \d+ peer\(s\) added via/.test(text) && /Peer List · 2\/5/.test(text),
      'both peers again',
    );
    assert.match(frame, new RegExp(`rebuild: joining through ${remote.id} \\(3 hops\\)`));
    app.unmount();
  });

  test('r and Ctrl-L check the peers now', async () => {
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
    app.unmount();
  });

  test('? opens the help overlay with every key; Esc and ? close it', async () => {
    const app = await open();
    await app.press('?');
    const frame = await app.waitForFrame((text) => text.includes('╭─ Help'), 'the help');
    for (const text of [
      'Tab Shift-Tab',
      '↑ ↓ PgUp PgDn Home End',
      'f Enter',
      'd Del',
      's /',
      'r Ctrl-L',
      'q Ctrl-C',
      'Remove the selected peer',
    ]) {
      assert.ok(frame.includes(text), `help lists ${text}`);
    }
    assert.doesNotMatch(frame, /╭─ Available Files/, 'the overlay covers the panes');
    assert.match(
      frame.trimEnd().split('\n').at(-1) ?? '',
      /\? help\s+q quit\s+Esc close/,
    );
    await app.press(KEY.escape);
    await app.waitForFrame((text) => text.includes('╭─ Available Files'), 'closed');
    await app.press('?');
    await app.waitForFrame((text) => text.includes('╭─ Help'), 'open');
    await app.press('?');
    await app.waitForFrame((text) => text.includes('╭─ Available Files'), 'closed by ?');
    app.unmount();
  });

  test('keys that do not apply say so in the log', async () => {
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
    app.unmount();
  });

  test('keys typed in one burst are each taken: "s" + key + Enter searches', async () => {
    // Fresh keys: a node answers the same query from the same peer once in 30 s.
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
    app.unmount();
  });

  test('a terminal below 60x15 shows one line instead of the panes', async () => {
    const app = await renderApp(ui, {columns: 59, rows: 20});
    apps.push(app);
    assert.equal(
      app.frame().trim(),
      'terminal too small (need 60x15) · now 59x20 · q quits',
    );
    app.unmount();
    const short = await renderApp(ui, {columns: 80, rows: 14});
    apps.push(short);
    assert.match(short.frame(), /^terminal too small \(need 60x15\)/);
    short.unmount();
    const minimum = await renderApp(ui, {columns: 60, rows: 15});
    apps.push(minimum);
    assert.match(minimum.frame(), /Available Files/);
    assert.equal(minimum.frame().split('\n').length, 14);
    minimum.unmount();
  });

  test('q sends QUIT to the peers, closes the node and exits', async () => {
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
});
