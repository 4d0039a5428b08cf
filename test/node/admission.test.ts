import assert from 'node:assert/strict';
import type {Socket} from 'node:net';
import {test} from 'node:test';
import {Admission, type Admitted} from '../../source/node/net/admission.js';

/** Stands in for a socket: admission only ever destroys it. */
function fakeSocket(): Socket & {destroyedByAdmission: boolean} {
  const socket = {
    destroyedByAdmission: false,
    destroy() {
      socket.destroyedByAdmission = true;
    },
  };
  return socket as unknown as Socket & {destroyedByAdmission: boolean};
}

function setup(limits: Partial<ConstructorParameters<typeof Admission>[0]> = {}) {
  let now = 0;
  const lines: string[] = [];
  const admission = new Admission(
    {maxConnections: 8, maxPerAddress: 4, pressureRequestTimeoutMs: 100, ...limits},
    (_level, message) => lines.push(message),
    () => now,
  );
  const open = (address: string): Admitted | undefined => {
    const admitted = admission.admit(fakeSocket(), address);
    return admitted;
  };
  const closed = (admitted: Admitted | undefined): boolean =>
    (admitted?.socket as unknown as {destroyedByAdmission: boolean}).destroyedByAdmission;
  return {admission, lines, open, closed, tick: (ms: number) => (now += ms)};
}

test('one address may hold only its cap; its oldest idle connection makes room', () => {
  const {admission, lines, open, closed} = setup();
  const idle = [1, 2, 3, 4].map(() => open('10.0.0.9'));
  const fifth = open('10.0.0.9');
  assert.ok(fifth);
  assert.equal(closed(idle[0]), true);
  assert.deepEqual(idle.slice(1).map(closed), [false, false, false]);
  assert.equal(admission.size, 4);
  assert.match(
    lines[0] ?? '',
    /^limit server-connections-per-address hit by 10\.0\.0\.9/,
  );
});

test('an address whose connections all do real work is refused a new one', () => {
  const {admission, open} = setup();
  for (const admitted of [1, 2, 3, 4].map(() => open('10.0.0.9'))) {
    assert.ok(admitted);
    admission.serving(admitted);
  }
  assert.equal(open('10.0.0.9'), undefined);
  assert.ok(open('10.0.0.10'), 'another address still gets in');
});

test('when full, the busiest address loses its oldest waiting connection, not a lone client', () => {
  const {admission, open, closed} = setup({maxConnections: 8, maxPerAddress: 8});
  const lone = open('10.0.0.1');
  const hoard = [1, 2, 3, 4, 5, 6, 7].map(() => open('10.0.0.66'));
  assert.equal(admission.size, 8);
  const newcomer = open('10.0.0.2');
  assert.ok(newcomer);
  assert.equal(closed(hoard[0]), true);
  assert.equal(closed(lone), false);
  assert.equal(admission.size, 8);
});

test('finished connections (reply sent, client not closed) go first', () => {
  const {admission, open, closed} = setup({maxConnections: 3, maxPerAddress: 3});
  const waiting = open('10.0.0.5');
  const done = open('10.0.0.6');
  assert.ok(done);
  admission.serving(done);
  admission.finish(done);
  open('10.0.0.7');
  assert.ok(open('10.0.0.8'));
  assert.equal(closed(done), true);
  assert.equal(closed(waiting), false);
});

test('full of connections doing real work: a newcomer is refused, with one line', () => {
  const {admission, lines, open} = setup({maxConnections: 2, maxPerAddress: 2});
  for (const admitted of [open('a'), open('b')]) {
    assert.ok(admitted);
    admission.serving(admitted);
  }
  assert.equal(open('c'), undefined);
  assert.equal(open('d'), undefined);
  assert.equal(
    lines.filter((line) => line.startsWith('limit server-connections hit')).length,
    1,
  );
});

test('under pressure, connections waiting longer than the short deadline are closed', () => {
  const {admission, open, closed, tick} = setup({maxConnections: 8, maxPerAddress: 8});
  const old = [1, 2, 3, 4, 5].map(() => open('10.0.0.3'));
  assert.equal(admission.underPressure, false);
  tick(150);
  const young = open('10.0.0.4');
  assert.equal(admission.underPressure, true);
  open('10.0.0.4');
  assert.deepEqual(old.map(closed), [true, true, true, true, true]);
  assert.equal(closed(young), false);
  assert.equal(admission.size, 2);
});

test('remove is idempotent and frees the address', () => {
  const {admission, open} = setup({maxPerAddress: 1});
  const first = open('a');
  assert.ok(first);
  admission.remove(first);
  admission.remove(first);
  assert.equal(admission.size, 0);
  assert.ok(open('a'));
  assert.equal(admission.size, 1);
});
