/**
 * Keys → app commands, without rendering: the key actions over a fake
 * session. What the app answers decides what the UI shows.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {AppCommand, AppOutcome} from '../../source/app/commands.js';
import type {FileEntry, LogLevel, TransferInfo} from '../../source/node/types.js';
import {
  createKeyActions,
  type KeyActions,
} from '../../source/ui/controller/key-actions.js';
import {UiStore} from '../../source/ui/stores/ui-store.js';
import {eventually} from '../support/eventually.js';
import {FakeSession} from '../support/fake-session.js';

const song: FileEntry = {name: 'song.mp3', local: false, owners: ['10.0.0.2:9000']};
const both: FileEntry = {
  name: 'both.txt',
  local: false,
  owners: ['10.0.0.2:9000', '10.0.0.3:9000'],
};

function running(name: string): TransferInfo {
  return {
    id: 7,
    name,
    owner: '10.0.0.2:9000',
    state: 'running',
    received: 0,
    startedAt: 0,
  };
}

type Rig = {
  session: FakeSession;
  store: UiStore;
  notes: Array<[LogLevel, string]>;
  actions: KeyActions;
  /** Runs the action a key is bound to, as the keymap does. */
  press: (action: Parameters<KeyActions['run']>[0], key?: string) => void;
};

function rig(
  files: FileEntry[],
  answer: (command: AppCommand) => AppOutcome,
  transfers: TransferInfo[] = [],
): Rig {
  const session = new FakeSession();
  session.answer = answer;
  const store = new UiStore();
  const notes: Array<[LogLevel, string]> = [];
  const actions = createKeyActions(() => ({
    session,
    store,
    note: (level, message) => void notes.push([level, message]),
    lists: {files, peers: [], fileNames: files.map((file) => file.name), peerIds: []},
    transfers,
    pageSize: 10,
    logLines: 0,
    logPage: 10,
    helpLines: 0,
    verbose: false,
    redraw: () => undefined,
    exitNow: () => undefined,
  }));
  return {
    session,
    store,
    notes,
    actions,
    press: (action, key = '') => actions.run(action, key),
  };
}

const ok = (command: AppCommand): AppOutcome =>
  command.kind === 'search'
    ? {ok: true, kind: 'search', key: command.key, asked: 1}
    : {ok: true, kind: 'peers', peers: []};

test('f becomes a fetch command; the refusal is said with the key that helps', async () => {
  const {session, notes, press} = rig([song], () => ({
    ok: false,
    code: 'ERR_ALREADY_FETCHING',
    message: 'already fetching song.mp3',
  }));
  press('fetch', 'f');
  assert.deepEqual(session.commands, [{kind: 'fetch', name: 'song.mp3'}]);
  await eventually(() => notes.length > 0, 'the refusal');
  assert.deepEqual(notes, [['info', 'already fetching song.mp3; c cancels it']]);
});

test('c cancels the selected file’s transfer: the app picks the target', () => {
  const {session, press} = rig([song], ok, [running('song.mp3')]);
  press('cancel', 'c');
  assert.deepEqual(session.commands, [{kind: 'cancel', name: 'song.mp3'}]);
});

test('a file with two owners opens the source list; arrows and Enter pick one', () => {
  const {session, store, press} = rig([both], ok);
  press('fetch', 'enter');
  assert.equal(store.getState().mode.kind, 'pick');
  assert.deepEqual(session.commands, [], 'nothing fetched yet');
  press('choose', 'down');
  press('choose', 'down');
  press('pick', 'enter');
  assert.equal(store.getState().mode.kind, 'browse');
  assert.deepEqual(session.commands, [
    {kind: 'fetch', name: 'both.txt', owner: '10.0.0.3:9000'},
  ]);
  press('fetch', 'f');
  press('pick', 'enter');
  assert.deepEqual(
    session.commands.at(-1),
    {kind: 'fetch', name: 'both.txt'},
    '"any" lets the app try each owner',
  );
});

test('a file being fetched is not offered a source list', () => {
  const {session, store, press} = rig([both], ok, [running('both.txt')]);
  press('fetch', 'f');
  assert.equal(store.getState().mode.kind, 'browse');
  assert.deepEqual(session.commands, [{kind: 'fetch', name: 'both.txt'}]);
});

test('prompts: the app’s refusal keeps the prompt open; a good line runs', async () => {
  const {session, store, notes, press, actions} = rig([], (command) =>
    command.kind === 'add'
      ? {ok: false, code: 'ERR_SHARE_PATH', message: 'cannot share /x: no such file'}
      : ok(command),
  );
  press('search', 's');
  actions.insert('   ');
  press('submit');
  assert.deepEqual(session.commands, [], 'blank: nothing sent');
  const {mode} = store.getState();
  assert.equal(
    mode.kind === 'prompt' && mode.error,
    'type a part of the name to search for',
  );
  actions.editKey('ctrl-u');
  actions.insert(' so');
  press('submit');
  assert.deepEqual(session.commands, [{kind: 'search', key: ' so'}], 'as typed');
  assert.equal(store.getState().mode.kind, 'browse');
  assert.equal(store.getState().followSearch, ' so');

  press('rebuild', 'b');
  actions.insert('nonsense');
  press('submit');
  assert.equal(session.commands.length, 1, 'not host:port: nothing sent');

  press('close', 'escape');
  press('add', 'a');
  actions.insert('/x');
  press('submit');
  assert.deepEqual(session.commands.at(-1), {kind: 'add', path: '/x'});
  await eventually(
    () => notes.some(([, message]) => message.startsWith('add: cannot')),
    'the refusal',
  );
  const after = store.getState().mode;
  assert.equal(after.kind === 'prompt' && after.error, 'cannot share /x: no such file');
  assert.deepEqual(notes, [
    ['warn', 'search: type a part of the name to search for'],
    ['warn', 'rebuild: "nonsense" is not host:port (for example 192.168.1.20:9000)'],
    ['info', 'rebuild: cancelled'],
    ['warn', 'add: cannot share /x: no such file'],
  ]);
});
