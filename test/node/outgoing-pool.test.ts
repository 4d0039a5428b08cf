import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LocalResourceError} from '../../source/protocol/errors.js';
import {OutgoingPool, type ReleaseSlot} from '../../source/node/net/outgoing-pool.js';

const LIMITS = {
  maxConnections: 4,
  maxPerPeer: 2,
  maxQueued: 3,
  queueWaitMs: 60_000,
  reservedForOwn: 1,
};

function pool(limits = {}): {pool: OutgoingPool; lines: string[]} {
  const lines: string[] = [];
  return {
    pool: new OutgoingPool((_level, message) => lines.push(message), {
      ...LIMITS,
      ...limits,
    }),
    lines,
  };
}

/** Settles to 'granted' or the error's code, or 'waiting' if it is still queued. */
async function state(slot: Promise<ReleaseSlot>): Promise<string> {
  const waiting = Symbol('waiting');
  const result = await Promise.race([
    slot.then(
      () => 'granted',
      (error: {code?: string}) => error.code ?? 'error',
    ),
    new Promise<symbol>((resolve) => setImmediate(() => resolve(waiting))),
  ]);
  return result === waiting ? 'waiting' : (result as string);
}

test('a peer gets at most its share; the others still get slots', async () => {
  const {pool: outgoing} = pool();
  const a1 = outgoing.acquire({destination: 'a:1'});
  const a2 = outgoing.acquire({destination: 'a:1'});
  const a3 = outgoing.acquire({destination: 'a:1'});
  const b1 = outgoing.acquire({destination: 'b:1'});
  assert.deepEqual(await Promise.all([a1, a2, a3, b1].map(state)), [
    'granted',
    'granted',
    'waiting',
    'granted',
  ]);
  (await a1)();
  assert.equal(await state(a3), 'granted');
  assert.equal(outgoing.activeCount, 3);
});

test('background requests cannot take the slots kept for our own work', async () => {
  const {pool: outgoing} = pool();
  const background = ['p:1', 'q:1', 'r:1', 's:1'].map((destination) =>
    outgoing.acquire({destination, background: true}),
  );
  assert.deepEqual(await Promise.all(background.map(state)), [
    'granted',
    'granted',
    'granted',
    'waiting',
  ]);
  assert.equal(await state(outgoing.acquire({destination: 'own:1'})), 'granted');
  const releaseFirst = await background[0];
  assert.ok(releaseFirst);
  releaseFirst();
  assert.equal(await state(background[3] as Promise<ReleaseSlot>), 'granted');
});

test('a full queue refuses at once with a local error, and says so once', async () => {
  const {pool: outgoing, lines} = pool({maxPerPeer: 1, maxQueued: 2});
  const first = outgoing.acquire({destination: 'h:1'});
  const queued = [
    outgoing.acquire({destination: 'h:1'}),
    outgoing.acquire({destination: 'h:1'}),
  ];
  const refused = [1, 2, 3].map(() => outgoing.acquire({destination: 'h:1'}));
  for (const slot of refused) {
    await assert.rejects(slot, (error) => error instanceof LocalResourceError);
  }
  assert.deepEqual(await Promise.all(queued.map(state)), ['waiting', 'waiting']);
  assert.equal(
    lines.filter((line) => line.startsWith('limit outgoing-queue hit by h:1')).length,
    1,
  );
  (await first)();
  assert.equal(await state(queued[0] as Promise<ReleaseSlot>), 'granted');
});

test('a waiter gives up after the queue wait, with a local error', async () => {
  const {pool: outgoing, lines} = pool({maxPerPeer: 1, queueWaitMs: 20});
  await outgoing.acquire({destination: 'h:1'});
  await assert.rejects(
    outgoing.acquire({destination: 'h:1'}),
    (error) => error instanceof LocalResourceError && error.code === 'ERR_LOCAL_RESOURCE',
  );
  assert.match(lines[0] ?? '', /^limit outgoing-queue-wait hit by h:1/);
  assert.equal(outgoing.queuedCount, 0);
});

test('release is idempotent and an aborted waiter leaves the queue', async () => {
  const {pool: outgoing} = pool({maxPerPeer: 1});
  const release = await outgoing.acquire({destination: 'h:1'});
  const controller = new AbortController();
  const waiting = outgoing.acquire({destination: 'h:1', signal: controller.signal});
  controller.abort();
  await assert.rejects(waiting, {code: 'ERR_CANCELLED'});
  release();
  release();
  assert.equal(outgoing.activeCount, 0);
  assert.equal(outgoing.queuedCount, 0);
});
