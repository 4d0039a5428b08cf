/**
 * The store behind useAppState, on a manual clock: bursts of events become
 * one snapshot per frame, exactly; a stalled transfer keeps getting fresh
 * snapshots; nothing is left listening or ticking afterwards.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {AppEvent} from '../../source/app/session.js';
import type {TransferInfo} from '../../source/node/types.js';
import {AppStore} from '../../source/ui/stores/app-store.js';
import {FakeSession} from '../support/fake-session.js';
import {ManualClock} from '../support/manual-clock.js';

function logEvent(message: string, time = 0): AppEvent {
  return {event: 'log', source: 'node', time, level: 'info', message};
}

/** A store over a fake session on a manual clock, with its notifications counted. */
function storeOn(
  session: FakeSession,
  options: {frameMs?: number; logLimit?: number; progressTickMs?: number} = {},
) {
  const clock = new ManualClock();
  const store = new AppStore(session, {clock, ...options});
  const times: number[] = [];
  const unsubscribe = store.subscribe(() => times.push(clock.now()));
  // The first snapshot after subscribing is drawn at once.
  clock.advance(0);
  assert.deepEqual(times, [0], 'the first snapshot');
  return {clock, store, times, unsubscribe};
}

test('a burst of 1,000 events gives one new snapshot; the log stays bounded', () => {
  const session = new FakeSession();
  const {clock, store, times, unsubscribe} = storeOn(session, {
    frameMs: 40,
    logLimit: 50,
  });
  const first = store.getSnapshot();

  for (let index = 0; index < 1_000; index++) session.emit(logEvent(`line ${index}`));
  clock.advance(39);
  assert.equal(times.length, 1, 'not before the frame is over');
  clock.advance(1);
  assert.deepEqual(times, [0, 40], 'one notification for the whole burst');
  clock.advance(1_000);
  assert.equal(times.length, 2, 'and no other');

  const snapshot = store.getSnapshot();
  assert.equal(snapshot.log.length, 50);
  assert.equal(snapshot.log.at(-1)?.message, 'line 999');
  assert.equal(snapshot.files, first.files, 'untouched parts keep their identity');
  assert.equal(snapshot.peers, first.peers);
  assert.notEqual(snapshot.log, first.log);

  unsubscribe();
  assert.equal(session.subscribers, 0, 'no listener on the session any more');
  session.emit(logEvent('after unsubscribing'));
  clock.advance(1_000);
  assert.equal(times.length, 2);
  assert.equal(clock.pending, 0, 'no timer left');
});

test('steady events are drawn once per frame; a lone event at once', () => {
  const session = new FakeSession();
  const {clock, times, unsubscribe} = storeOn(session, {frameMs: 30});
  for (let time = 0; time < 300; time += 2) {
    session.emit(logEvent('tick', time));
    clock.advance(2);
  }
  assert.deepEqual(
    times,
    [0, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300],
    'one snapshot per 30 ms frame',
  );
  clock.advance(1_000);
  session.emit(logEvent('after a quiet spell'));
  clock.advance(0);
  assert.equal(times.at(-1), 1_300, 'drawn at once');
  unsubscribe();
});

test('closed is reported once the app closes', () => {
  const session = new FakeSession();
  const {clock, store, unsubscribe} = storeOn(session);
  assert.equal(store.getSnapshot().closed, false);
  session.emit({event: 'closed'}, {closed: true});
  clock.advance(40);
  assert.equal(store.getSnapshot().closed, true);
  unsubscribe();
});

test('a stalled transfer still gets fresh snapshots, so its rate can fall', () => {
  const running: TransferInfo = {
    id: 1,
    name: 'stalled.bin',
    owner: '10.0.0.2:9000',
    state: 'running',
    received: 65_536,
    total: 1_048_576,
    startedAt: 0,
  };
  const session = new FakeSession();
  const {clock, store, times, unsubscribe} = storeOn(session, {
    frameMs: 40,
    progressTickMs: 50,
  });
  session.emit({event: 'transfer-progress', transfer: running}, {transfers: [running]});
  clock.advance(40);
  const stalledAt = times.length;
  clock.advance(300);
  assert.equal(times.length - stalledAt, 6, 'a snapshot every 50 ms without events');
  assert.equal(store.getSnapshot().takenAt, 340);

  const ended = {...running, state: 'cancelled' as const};
  session.emit({event: 'transfer-failed', transfer: ended}, {transfers: [ended]});
  clock.advance(100);
  const endedAt = times.length;
  clock.advance(1_000);
  assert.equal(times.length, endedAt, 'no ticking once nothing runs');
  assert.equal(clock.pending, 0);
  unsubscribe();
});

test('progress is drawn at a readable pace: 10 events a second, 2 frames', () => {
  const session = new FakeSession();
  const {clock, store, times, unsubscribe} = storeOn(session, {
    frameMs: 40,
    progressTickMs: 500,
  });
  const start = times.length;
  for (let tenth = 0; tenth < 40; tenth++) {
    const transfer: TransferInfo = {
      id: 1,
      name: 'big.iso',
      owner: '10.0.0.2:9000',
      state: 'running',
      received: tenth * 100_000,
      total: 10_000_000,
      startedAt: 0,
    };
    session.emit({event: 'transfer-progress', transfer}, {transfers: [transfer]});
    clock.advance(100);
  }
  const frames = times.length - start;
  assert.ok(frames >= 8 && frames <= 9, `${frames} frames in 4 s`);
  // Anything else is still drawn at once.
  session.emit(logEvent('a line', clock.now()));
  clock.advance(40);
  assert.equal(store.getSnapshot().log.at(-1)?.message, 'a line');
  unsubscribe();
});

test("this UI's notes join the app's lines in the log, in time order", () => {
  const session = new FakeSession({
    log: [{source: 'node', time: 0, level: 'info', message: 'listening'}],
  });
  const clock = new ManualClock();
  const store = new AppStore(session, {clock});
  clock.advance(5);
  store.note('info', 'a note before anyone listens');
  session.emit(logEvent('an app line', 7), {
    log: [
      {source: 'node', time: 0, level: 'info', message: 'listening'},
      {source: 'node', time: 7, level: 'info', message: 'an app line'},
    ],
  });
  const unsubscribe = store.subscribe(() => undefined);
  clock.advance(0);
  assert.deepEqual(
    store.getSnapshot().log.map((line) => line.message),
    ['listening', 'a note before anyone listens', 'an app line'],
  );
  store.note('warn', 'a later note');
  clock.advance(40);
  assert.equal(store.getSnapshot().log.at(-1)?.message, 'a later note');
  unsubscribe();
});
