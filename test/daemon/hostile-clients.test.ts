/**
 * A malformed or hostile client of the control socket never harms the node:
 * lines too long, not JSON, unknown requests, commands of the wrong shape,
 * too many commands at once, a client that never reads. Fuzzed with
 * fast-check (fixed seed): after every case the node answers a new client,
 * and only well-formed commands ever reach the app.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import type {AppOutcome} from '../../source/app/commands.js';
import {readCommand} from '../../source/daemon/command-check.js';
import {eventually} from '../support/eventually.js';
import {FakeSession} from '../support/fake-session.js';
import {attach, RawControlClient, serve} from './daemon-kit.js';

const SEED = 0xc0de;
const NODE_TYPES = new Set([
  'hello',
  'outcome',
  'subscribed',
  'state',
  'event',
  'status',
  'error',
]);

const isError = (code: string) => (message: Record<string, unknown>) =>
  message.type === 'error' && message.code === code;

test('a line over the limit is refused before it is buffered, and the client cut off', async (t) => {
  const {server, socketPath} = await serve(t, new FakeSession(), {
    limits: {lineBytes: 1024},
  });
  const client = new RawControlClient(socketPath);
  t.after(() => client.destroy());
  client.write('{"type":"status","id":1,"pad":"' + 'x'.repeat(2048));
  await client.waitFor(isError('ERR_CONTROL_LINE_TOO_LONG'), 'the refusal');
  await client.closed;
  await eventually(() => server.clients === 0, 'the client to be gone');
  const other = await attach(t, socketPath, false);
  assert.equal(other.status.port, 9000);
});

test('lines that are not requests get an error each; the connection goes on', async (t) => {
  const {socketPath} = await serve(t, new FakeSession());
  const client = new RawControlClient(socketPath);
  t.after(() => client.destroy());
  client.write('not json\n[]\n{"id":-1}\n{"type":"nope","id":2}\n');
  client.write('{"type":"execute","id":3,"command":{"kind":"add","path":7}}\n');
  client.write('{"type":"execute","id":4,"command":{"kind":"__proto__"}}\n');
  client.write('{"type":"status","id":5}\n');
  await client.waitFor(
    (message) => message.type === 'status' && message.id === 5,
    'status',
  );
  const errors = client.messages.filter((message) => message.type === 'error');
  assert.equal(errors.length, 6);
  assert.deepEqual(
    errors.map((error) => error.id),
    [undefined, undefined, undefined, 2, 3, 4],
  );
});

test('more commands at once than the limit: the extra ones are refused', async (t) => {
  const session = new FakeSession();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  session.execute = async <C>(command: C) => {
    await held;
    return {ok: true, kind: 'peers', peers: []} as never;
  };
  const {socketPath} = await serve(t, session, {limits: {pending: 4}});
  const client = new RawControlClient(socketPath);
  t.after(() => client.destroy());
  for (let id = 1; id <= 6; id++) {
    client.write(`{"type":"execute","id":${id},"command":{"kind":"peers"}}\n`);
  }
  await client.waitFor(
    (message) => message.type === 'error' && message.id === 6,
    'the sixth refused',
  );
  assert.ok(client.messages.some(isError('ERR_CONTROL_BUSY')));
  release();
  await eventually(
    () => client.messages.filter((message) => message.type === 'outcome').length === 4,
    'the four held commands to answer',
  );
});

test('a subscriber that never reads is cut off once its backlog is full', async (t) => {
  const session = new FakeSession();
  const {server, socketPath} = await serve(t, session, {
    limits: {backlogBytes: 64 * 1024},
  });
  const lazy = new RawControlClient(socketPath);
  t.after(() => lazy.destroy());
  lazy.write('{"type":"subscribe","id":1}\n');
  await lazy.waitFor((message) => message.type === 'subscribed', 'subscribed');
  lazy.pause();
  const line = 'x'.repeat(1000);
  await eventually(() => {
    for (let i = 0; i < 200; i++) {
      session.emit({event: 'log', source: 'node', time: 0, level: 'info', message: line});
    }
    return server.clients === 0;
  }, 'the lazy client to be disconnected');
  const other = await attach(t, socketPath, false);
  assert.equal(other.status.uis, 0);
});

/** Arbitrary lines: bytes, JSON values, requests of every type with random fields. */
function hostileLines() {
  const anyJson = fc.jsonValue({maxDepth: 3}).map((value) => JSON.stringify(value));
  const kinds = fc.constantFrom(
    'add',
    'search',
    'fetch',
    'cancel',
    'remove',
    'rebuild',
    'start',
    'refresh',
    'peers',
    'files',
    'transfers',
    'constructor',
    '__proto__',
  );
  const command = fc
    .record({kind: kinds}, {requiredKeys: []})
    .chain((base) =>
      fc
        .dictionary(
          fc.constantFrom(
            'path',
            'key',
            'name',
            'owner',
            'transferId',
            'peerId',
            'contact',
            'shares',
            'hops',
            '__proto__',
          ),
          fc.jsonValue({maxDepth: 2}),
          {maxKeys: 4},
        )
        .map((fields) => ({...fields, ...base})),
    );
  const request = fc
    .record(
      {
        type: fc.constantFrom(
          'execute',
          'subscribe',
          'status',
          'keep-running',
          'bogus',
          'hello',
        ),
        id: fc.oneof(fc.nat(), fc.double(), fc.string(), fc.constant(null)),
        command: fc.oneof(command, fc.jsonValue({maxDepth: 2})),
        on: fc.jsonValue({maxDepth: 1}),
        ui: fc.jsonValue({maxDepth: 1}),
      },
      {requiredKeys: ['type']},
    )
    .map((value) => JSON.stringify(value));
  const bytes = fc
    .uint8Array({maxLength: 200})
    .map((array) => Buffer.from(array).toString('latin1'));
  return fc.array(fc.oneof(anyJson, request, bytes, fc.string({unit: 'binary'})), {
    minLength: 1,
    maxLength: 6,
  });
}

test('fuzzed clients: the node answers the next client, only well-formed commands run', async (t) => {
  const session = new FakeSession();
  session.answer = (command) => ({ok: true, kind: 'peers', peers: []}) as AppOutcome;
  const {server, socketPath} = await serve(t, session, {limits: {lineBytes: 4096}});
  let probeId = 1_000_000;
  await fc.assert(
    fc.asyncProperty(hostileLines(), async (lines) => {
      const client = new RawControlClient(socketPath);
      try {
        for (const line of lines) client.write(`${line}\n`);
        const id = probeId++;
        client.write(`{"type":"status","id":${id}}\n`);
        await eventually(
          () => client.destroyed || client.messages.some((message) => message.id === id),
          'the probe answered',
        );
        for (const message of client.messages) {
          assert.ok(
            NODE_TYPES.has(String(message.type)),
            `unknown reply ${JSON.stringify(message)}`,
          );
        }
      } finally {
        client.destroy();
      }
    }),
    {seed: SEED, numRuns: 300},
  );
  for (const command of session.commands) {
    assert.deepEqual(
      readCommand(command),
      command,
      'a command reached the app as checked',
    );
  }
  await eventually(() => server.clients === 0, 'every fuzz client to be gone');
  const after = await attach(t, socketPath, false);
  assert.equal(after.status.port, 9000);
});
