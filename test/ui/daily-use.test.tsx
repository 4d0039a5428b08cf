/**
 * Issue 10 #2, #4, #6 and #7 in the rendered App over a scripted session:
 * filter and sort, the log view, summarised log lines, the detail line, the
 * questions before losing work, the download folder and the help's counters.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {isDeepStrictEqual} from 'node:util';
import stringWidth from 'string-width';
import type {AppCommand, AppOutcome} from '../../source/app/commands.js';
import type {AppLogLine, AppSnapshot} from '../../source/app/session.js';
import type {FileEntry, TransferInfo} from '../../source/node/types.js';
import {eventually} from '../support/eventually.js';
import {FakeSession} from '../support/fake-session.js';
import {KEY, lineWith, renderApp, selectedFileRow} from '../support/ui-harness.js';

const SIZE = {columns: 100, rows: 30};
const MiB = 1024 * 1024;

const files: FileEntry[] = [
  {name: 'zebra.txt', local: true, owners: [], size: 300},
  {
    name: 'apple.iso',
    local: false,
    owners: ['10.0.0.2:9000', '10.0.0.3:9000'],
    size: 2 * MiB,
  },
  {name: 'my holiday notes (1).txt', local: false, owners: ['10.0.0.2:9000'], size: 10},
  {name: 'mango.mp3', local: true, owners: [], size: 5000},
];

function line(
  message: string,
  level: AppLogLine['level'] = 'info',
  time = 0,
): AppLogLine {
  return {time, level, message, source: 'node'};
}

function running(name: string, total: number): TransferInfo {
  return {
    id: 3,
    name,
    owner: '10.0.0.2:9000',
    state: 'running',
    received: 0,
    total,
    startedAt: Date.now(),
  };
}

async function open(
  state: Partial<AppSnapshot> = {},
  answer?: (command: AppCommand) => AppOutcome,
) {
  const session = new FakeSession({
    files,
    identity: {
      id: '127.0.0.1:9000',
      port: 9000,
      maxPeers: 5,
      downloadDir: '/srv/incoming',
    },
    ...state,
  });
  if (answer) session.answer = answer;
  const app = await renderApp(session, SIZE);
  return {session, app};
}

/** The names in the Files pane, top to bottom. */
function fileOrder(frame: string): string[] {
  const names = files.map((file) => file.name);
  return frame
    .split('\n')
    .filter((row) => /^[│║]/u.test(row))
    .map((row) => names.find((name) => row.includes(name.slice(0, 12))))
    .filter((name): name is string => name !== undefined);
}

test('/ filters the focused list as you type; Esc clears, Enter keeps', async (t) => {
  const {app} = await open();
  t.after(() => app.unmount());
  await app.press('/');
  await app.type('an');
  let frame = await app.waitForFrame(
    (text) => fileOrder(text).join() === 'mango.mp3' && text.includes('1 of 4'),
    'only mango (an)',
  );
  assert.match(frame, /\/ filter Available Files: an\s+1\/4/);
  await app.press(KEY.escape);
  frame = await app.waitForFrame(
    (text) => fileOrder(text).length === 4,
    'all four again',
  );
  await app.press('/');
  await app.type('10.0.0.3');
  await app.press(KEY.enter);
  frame = await app.waitForFrame(
    (text) => fileOrder(text).join() === 'apple.iso' && /Tab focus/.test(text),
    'the kept filter, matching an owner',
  );
  assert.match(frame, /Available Files · 1\/1 of 4 · \/10\.0\.0\.3/);
});

test('o cycles the sort, O reverses it, v shows only mine / network / search', async (t) => {
  const {app} = await open({
    search: {key: 'a', ttl: 2, startedAt: 0, names: ['apple.iso']},
  });
  t.after(() => app.unmount());
  await app.waitForFrame((text) => fileOrder(text).length === 4, 'arrival order');
  assert.deepEqual(
    fileOrder(app.frame()),
    files.map((file) => file.name),
  );
  await app.press('o');
  await app.waitForFrame(
    (text) =>
      fileOrder(text).join() === 'apple.iso,mango.mp3,my holiday notes (1).txt,zebra.txt',
    'by name',
  );
  await app.press('o');
  await app.waitForFrame(
    (text) =>
      fileOrder(text).join() === 'my holiday notes (1).txt,zebra.txt,mango.mp3,apple.iso',
    'by size',
  );
  await app.press('O');
  await app.waitForFrame(
    (text) => fileOrder(text)[0] === 'apple.iso' && text.includes('by size ↑'),
    'by size, reversed',
  );
  await app.press('v');
  await app.waitForFrame(
    (text) =>
      fileOrder(text).join() === 'mango.mp3,zebra.txt' && text.includes('only mine'),
    'only my shares',
  );
  await app.press('v');
  await app.waitForFrame(
    (text) => fileOrder(text).join() === 'apple.iso,my holiday notes (1).txt',
    'only the network’s',
  );
  await app.press('v');
  await app.waitForFrame(
    (text) => fileOrder(text).join() === 'apple.iso',
    'only the search’s',
  );
});

test('j k g G move like the arrows', async (t) => {
  const {app} = await open();
  t.after(() => app.unmount());
  await app.press('j', 'j');
  await app.waitForFrame(
    (text) => selectedFileRow(text).includes('my holiday'),
    'two down',
  );
  await app.press('k');
  await app.waitForFrame((text) => selectedFileRow(text).includes('apple'), 'one up');
  await app.press('G');
  await app.waitForFrame((text) => selectedFileRow(text).includes('mango'), 'the last');
  await app.press('g');
  await app.waitForFrame((text) => selectedFileRow(text).includes('zebra'), 'the first');
});

test('the detail line shows the whole name, every owner, the size; the header the folder', async (t) => {
  const {app} = await open();
  t.after(() => app.unmount());
  await app.press('j');
  const frame = await app.waitForFrame(
    (text) =>
      text.includes(
        'apple.iso · 2.0 MiB (2,097,152 bytes) · 2 owners: 10.0.0.2:9000, 10.0.0.3:9000',
      ),
    'the detail of apple.iso',
  );
  assert.match(frame.split('\n')[0] ?? '', /saves to \/srv\/incoming/);
  await app.press('j');
  await app.waitForFrame(
    (text) => text.includes(' my holiday notes (1).txt · 10 B · owner: 10.0.0.2:9000'),
    'a name cut in its row, whole below',
  );
});

test('the log pane sums up runs; l shows every line, wrapped, scrolled, by level', async (t) => {
  const long = `cannot fetch report.pdf: peer nosuchhost.invalid:9000 is unreachable (getaddrinfo ENOTFOUND nosuchhost.invalid) after 3 tries, ${'and more '.repeat(10)}END`;
  const log = [
    line('listening as 127.0.0.1:9000'),
    ...Array.from({length: 30}, (_, index) =>
      line(`found result-${index}.txt at 10.0.0.2:9000`),
    ),
    line('a debug line', 'debug'),
    line(long, 'error'),
    line('peer added: 10.0.0.9:9000', 'info'),
  ];
  const {app, session} = await open({log});
  t.after(() => app.unmount());
  let frame = await app.waitForFrame(
    (text) =>
      text.includes('found 30 results, the latest result-29.txt at 10.0.0.2:9000'),
    'one line for the 30 results',
  );
  assert.equal(frame.split('found result-').length, 1, 'no single found lines');

  await app.press('l');
  frame = await app.waitForFrame((text) => text.includes('▶ Log'), 'the log view');
  assert.ok(frame.includes('END'), 'the long line is there whole, wrapped');
  for (const row of frame.split('\n')) assert.ok(stringWidth(row) <= SIZE.columns);
  assert.ok(!frame.includes('a debug line'), 'debug lines hidden');
  assert.ok(!frame.includes('listening as'), 'the oldest line is above the view');
  await app.press('g');
  frame = await app.waitForFrame(
    (text) => text.includes('listening as'),
    'scrolled to the top',
  );
  assert.ok(frame.includes('found result-0.txt'), 'every result line, in full');
  await app.press('v', 'v');
  frame = await app.waitForFrame(
    (text) => text.includes('error and up') && text.includes('nosuchhost.invalid'),
    'errors only',
  );
  assert.ok(!frame.includes('found result'), 'info lines hidden');
  // New lines arrive while reading.
  session.emit(
    {event: 'log', ...line('late error', 'error')},
    {log: [...log, line('late error', 'error')]},
  );
  await app.waitForFrame(
    (text) => text.includes('late error'),
    'the view follows the end',
  );
  await app.press(KEY.escape);
  await app.waitForFrame((text) => text.includes('Available Files ·'), 'back');
});

test('unbound keys are summed up in one line', async (t) => {
  const {app} = await open();
  t.after(() => app.unmount());
  await app.press('x', 'x', 'z');
  await app.waitForFrame(
    (text) =>
      text.includes('3 keys that do nothing here, the latest z; ? lists the keys'),
    'one summary line',
  );
});

test('q asks first while a transfer runs; n keeps running, y quits', async (t) => {
  const commands: AppCommand[] = [];
  const {app} = await open({transfers: [running('apple.iso', 2 * MiB)]}, (command) => {
    commands.push(command);
    return {ok: true, kind: 'quit'} as AppOutcome;
  });
  t.after(() => app.unmount());
  await app.press('q');
  await app.waitForFrame(
    (text) => text.includes('1 transfer(s) still running; quit'),
    'the question',
  );
  assert.deepEqual(commands, []);
  await app.press('n');
  await app.waitForFrame((text) => text.includes('quit: not now'), 'kept');
  await app.press('q');
  await app.waitForFrame((text) => text.includes('still running'), 'asked again');
  await app.press('y');
  await app.waitForFrame((text) => text.includes('closing:'), 'quitting');
  assert.deepEqual(commands, [{kind: 'quit'}]);
});

test('c on a large transfer asks first; a small one is cancelled at once', async (t) => {
  const commands: AppCommand[] = [];
  const answer = (command: AppCommand): AppOutcome => {
    commands.push(command);
    return {ok: false, code: 'ERR_NO_TRANSFER', message: 'scripted'};
  };
  const {app} = await open({transfers: [running('apple.iso', 1024 * MiB)]}, answer);
  t.after(() => app.unmount());
  await app.press('c');
  await app.waitForFrame(
    (text) => text.includes('Cancel apple.iso (1.0 GiB)?'),
    'the question',
  );
  assert.deepEqual(commands, []);
  await app.press('y');
  await eventuallyEqual(() => commands, [{kind: 'cancel', transferId: 3}]);

  const small = await open({transfers: [running('zebra.txt', 300)]}, answer);
  t.after(() => small.app.unmount());
  await small.app.press('c');
  await eventuallyEqual(() => commands.length, 2);
  assert.deepEqual(commands[1], {kind: 'cancel', name: 'zebra.txt'});
});

test('the help explains every header counter and groups keys by pane', async (t) => {
  const {app} = await open();
  t.after(() => app.unmount());
  await app.press('?');
  const frame = await app.waitForFrame((text) => text.includes('▶ Help'), 'help');
  for (const text of [
    'Header',
    'peers n/m',
    'shared',
    'network',
    'transfers',
    'saves to',
    'Available Files',
    'Peer List',
  ]) {
    assert.ok(frame.includes(text), `help shows ${text}`);
  }
  assert.match(lineWith(frame, 'network  '), /names other peers have/);
});

/** Waits until `read()` deep-equals `expected`. */
function eventuallyEqual<T>(read: () => T, expected: T): Promise<true> {
  return eventually(
    () => (isDeepStrictEqual(read(), expected) ? true : undefined),
    () => `${JSON.stringify(read())} to become ${JSON.stringify(expected)}`,
  );
}

test('adding a big directory shows how far it got; Esc stops it (issue 10 #3)', async (t) => {
  let finish: (outcome: AppOutcome) => void = () => undefined;
  const commands: AppCommand[] = [];
  const {app, session} = await open({}, (command) => {
    commands.push(command);
    if (command.kind === 'add') {
      // Still walking until the test says otherwise.
      return new Promise<AppOutcome>(
        (resolve) => (finish = resolve),
      ) as unknown as AppOutcome;
    }
    return {ok: true, kind: 'cancel-add', stopped: 1};
  });
  t.after(() => app.unmount());
  await app.press('a');
  await app.type('/big\r');
  await app.waitForFrame((text) => text.includes('checking…'), 'the busy prompt');
  const progress = line('adding /big: 12000 file(s) so far…');
  session.emit({event: 'log', ...progress}, {log: [progress]});
  await app.waitForFrame(
    (text) => text.includes('adding /big: 12000 file(s) so far · Esc stops'),
    'the progress in the prompt',
  );
  await app.press('j', 'k');
  await app.press(KEY.escape);
  await eventuallyEqual(
    () => commands.map((command) => command.kind),
    ['add', 'cancel-add'],
  );
  finish({ok: true, kind: 'add', files: []});
  await app.waitForFrame((text) => !text.includes('Add a share'), 'the prompt closed');
});

test('every progress bar in view has the same length and column (issue 10 #7)', async (t) => {
  const now = Date.now();
  const transfers: TransferInfo[] = [
    {
      ...running('apple.iso', 1024 * MiB),
      id: 1,
      received: 300 * MiB,
      startedAt: now - 60_000,
    },
    {...running('zebra.txt', 300), id: 2, received: 3},
    {...running('a file with a rather long name indeed.bin', 0), id: 3, total: undefined},
  ];
  const {app} = await open({transfers});
  t.after(() => app.unmount());
  const frame = await app.waitForFrame(
    (text) => text.split('\n').filter((row) => row.startsWith('↓ ')).length === 3,
    'three bars',
  );
  const bars = frame
    .split('\n')
    .filter((row) => row.startsWith('↓ '))
    .map((row) => /[█░]+/u.exec(row));
  const starts = new Set(bars.map((bar) => bar?.index));
  const lengths = new Set(bars.map((bar) => bar?.[0].length));
  assert.equal(starts.size, 1, `bars start in one column:\n${frame}`);
  assert.equal(lengths.size, 1, `bars are as long:\n${frame}`);
});

test('the empty peer list explains itself in full, wrapped, at 80x24 (issue 10 #7)', async (t) => {
  const session = new FakeSession({files});
  const app = await renderApp(session, {columns: 80, rows: 24});
  t.after(() => app.unmount());
  const frame = await app.waitForFrame(
    (text) => text.includes('no peers yet'),
    'the hint',
  );
  const peersColumn = frame
    .split('\n')
    .map((row) => /│([^│]*)│$/u.exec(row)?.[1]?.trim() ?? '')
    .join(' ');
  assert.match(
    peersColumn,
    /no peers yet: b joins the network through a peer's host:port/,
  );
});
