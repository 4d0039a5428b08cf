import assert from 'node:assert/strict';
import {createHash, randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import {readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {HashWorkerError, PrefixHasher} from '../../source/node/transfer/prefix-hasher.js';

const MiB = 1024 * 1024;

async function partFile(t: TestContext, content: Buffer): Promise<number> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'filer-hasher-'));
  t.after(() => fs.rm(directory, {recursive: true, force: true}));
  const file = path.join(directory, 'part');
  await fs.writeFile(file, content);
  const handle = await fs.open(file, 'r');
  t.after(() => handle.close());
  return handle.fd;
}

/** OS threads of this process (Linux): a worker that was not ended stays counted. */
function threadCount(): number | undefined {
  const status = (() => {
    try {
      return readFileSync('/proc/self/status', 'utf8');
    } catch {
      return '';
    }
  })();
  const match = /^Threads:\s+(\d+)/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

async function threadsSettle(expected: number): Promise<number | undefined> {
  // A terminated worker's OS thread is joined shortly after terminate() resolves.
  for (let tries = 0; tries < 200 && (threadCount() ?? 0) > expected; tries++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return threadCount();
}

test('the hash of a file filled out of order, hashed in the worker as the prefix grows', async (t) => {
  const content = randomBytes(3 * MiB + 17);
  const fd = await partFile(t, content);
  const expected = createHash('sha256').update(content).digest('hex');

  const hasher = new PrefixHasher(fd, content.length);
  t.after(() => hasher.close());
  hasher.markWritten(2 * MiB, content.length); // a later range first: nothing to hash yet
  hasher.markWritten(0, MiB); // the prefix: hashed
  hasher.markWritten(0, MiB); // already posted: nothing new
  hasher.markWritten(MiB, 2 * MiB); // the gap: the prefix now covers the file
  assert.equal(await hasher.digest(), expected);
  assert.equal(hasher.hashedBytes, content.length);
});

/** A receive batch as the receiver allocates it: shared memory the worker can read. */
function sharedBatch(content: Buffer): Buffer {
  const batch = Buffer.from(new SharedArrayBuffer(content.length));
  content.copy(batch);
  return batch;
}

test('batches offered in line are hashed from memory, the rest read back; every offer is released', async (t) => {
  // The file holds zeros where the offered batches have data: the digest
  // shows which bytes were hashed from memory and which were read back.
  const size = 3 * MiB;
  const onDisk = Buffer.alloc(size);
  const fd = await partFile(t, onDisk);
  const first = randomBytes(MiB);
  const hasher = new PrefixHasher(fd, size);
  t.after(() => hasher.close());

  const inLine = hasher.offer(0, sharedBatch(first), MiB);
  assert.ok(inLine, 'the first batch is in line');
  await inLine;
  const ahead = hasher.offer(2 * MiB, sharedBatch(randomBytes(MiB)), MiB);
  assert.equal(ahead, undefined, 'not in line: not offered, reusable at once');
  assert.equal(
    hasher.offer(MiB, Buffer.from(randomBytes(MiB)), MiB),
    undefined,
    'not shared',
  );
  hasher.markWritten(0, size);
  const expected = createHash('sha256')
    .update(first)
    .update(onDisk.subarray(MiB))
    .digest('hex');
  assert.equal(await hasher.digest(), expected);
});

/**
 * Feeds `content` as the receiver does: each piece into a free batch, offered,
 * then marked written (the file holds zeros: the digest shows that every
 * piece was hashed from memory). A batch is reused once its offer settles, and
 * is overwritten with junk at once, so a release that came before the worker
 * was done would change the digest.
 */
async function feedInOrder(
  hasher: PrefixHasher,
  content: Buffer,
  batches: Buffer[],
  start = 0,
): Promise<number> {
  const free = batches.map((batch) => Promise.resolve(batch));
  let offered = 0;
  for (let at = 0; at < content.length;) {
    const slot = offered % free.length;
    const batch = await free[slot];
    if (!batch) throw new Error('no batch');
    const length = Math.min(batch.length, content.length - at);
    content.copy(batch, 0, at, at + length);
    const position = start + at;
    const seen = hasher.offer(position, batch, length);
    assert.ok(seen, `the batch at ${position} is in line`);
    free[slot] = seen.then(() => batch.fill(0xee));
    hasher.markWritten(position, position + length);
    at += length;
    offered++;
  }
  await Promise.all(free);
  return offered;
}

test('batches offered in order are hashed in place and reused only once the worker is done', async (t) => {
  // More offers than the ring has slots, through two batches, like a receiver.
  const content = randomBytes(9 * MiB + 123);
  const fd = await partFile(t, Buffer.alloc(content.length));
  const hasher = new PrefixHasher(fd, content.length);
  t.after(() => hasher.close());
  const batches = [0, 1].map(() => Buffer.from(new SharedArrayBuffer(64 * 1024)));
  const offered = await feedInOrder(hasher, content, batches);
  assert.ok(offered > 64, `${offered} offers`);
  assert.equal(await hasher.digest(), createHash('sha256').update(content).digest('hex'));
  assert.equal(hasher.hashedBytes, content.length);
});

test('batches in more shared memories than the worker keeps at once are still hashed in place', async (t) => {
  // Ten rounds of four new memories each: the worker's table reuses indexes.
  const piece = 64 * 1024;
  const content = randomBytes(40 * piece);
  const fd = await partFile(t, Buffer.alloc(content.length));
  const hasher = new PrefixHasher(fd, content.length);
  t.after(() => hasher.close());
  for (let round = 0; round < 10; round++) {
    const batches = Array.from({length: 4}, () =>
      Buffer.from(new SharedArrayBuffer(piece)),
    );
    const start = round * 4 * piece;
    await feedInOrder(hasher, content.subarray(start, start + 4 * piece), batches, start);
  }
  assert.equal(await hasher.digest(), createHash('sha256').update(content).digest('hex'));
});

test('a batch offered after a range that came out of order: the gap is read back, then the batch taken from memory', async (t) => {
  // On disk: a later range [2, 3) MiB first, then the prefix [0, 2) MiB; then
  // the receiver of [3, 5) MiB offers its batches (zeros on disk there).
  const onDisk = Buffer.concat([randomBytes(3 * MiB), Buffer.alloc(2 * MiB)]);
  const fd = await partFile(t, onDisk);
  const hasher = new PrefixHasher(fd, onDisk.length);
  t.after(() => hasher.close());
  hasher.markWritten(2 * MiB, 3 * MiB);
  assert.equal(
    hasher.offer(3 * MiB, sharedBatch(randomBytes(MiB)), MiB),
    undefined,
    'not in line yet',
  );
  hasher.markWritten(0, 2 * MiB);
  const tail = randomBytes(2 * MiB);
  const batches = [0, 1].map(() => Buffer.from(new SharedArrayBuffer(256 * 1024)));
  await feedInOrder(hasher, tail, batches, 3 * MiB);
  const expected = createHash('sha256')
    .update(onDisk.subarray(0, 3 * MiB))
    .update(tail)
    .digest('hex');
  assert.equal(await hasher.digest(), expected);
});

test('offers still held when the hasher closes are released', async (t) => {
  const fd = await partFile(t, Buffer.alloc(MiB));
  const hasher = new PrefixHasher(fd, 2 * MiB);
  const offers = [0, 1].map((index) =>
    hasher.offer(index * MiB, sharedBatch(randomBytes(MiB)), MiB),
  );
  await hasher.close();
  await Promise.all(offers); // none hangs
});

test('an empty file has the empty digest', async (t) => {
  const fd = await partFile(t, Buffer.alloc(0));
  const hasher = new PrefixHasher(fd, 0);
  assert.equal(
    await hasher.digest(),
    createHash('sha256').update(Buffer.alloc(0)).digest('hex'),
  );
  await hasher.close();
});

test('a part file shorter than its written ranges fails at once, in one line, to the owner', async (t) => {
  const fd = await partFile(t, randomBytes(MiB));
  const failures: Error[] = [];
  let failed: () => void = () => undefined;
  const told = new Promise<void>((resolve) => (failed = resolve));
  const hasher = new PrefixHasher(fd, 4 * MiB, {
    onFailure: (error) => {
      failures.push(error);
      failed();
    },
  });
  t.after(() => hasher.close());
  hasher.markWritten(0, 2 * MiB); // claims more than the file holds
  await told;
  assert.equal(failures.length, 1);
  assert.ok(failures[0] instanceof HashWorkerError);
  assert.match(
    failures[0].message,
    /^hashing the received data failed: .*ended at 1048576/,
  );
  assert.doesNotMatch(failures[0].message, /\n/);
  await assert.rejects(hasher.digest(), failures[0]);
  assert.equal(hasher.offer(MiB, sharedBatch(randomBytes(MiB)), MiB), undefined);
  await hasher.close();
  assert.equal(failures.length, 1, 'told once, also after the worker ends');
});

test('close() ends the worker before digest: no thread is left and digest rejects', async (t) => {
  const fd = await partFile(t, randomBytes(2 * MiB));
  const before = threadCount();
  const hasher = new PrefixHasher(fd, 2 * MiB);
  hasher.markWritten(0, MiB);
  await hasher.close();
  await hasher.close(); // idempotent
  await assert.rejects(hasher.digest(), HashWorkerError);
  if (before !== undefined) assert.equal(await threadsSettle(before), before);
});

test('a cancelled fetch ends the worker and digest rejects with the reason', async (t) => {
  const fd = await partFile(t, randomBytes(2 * MiB));
  const before = threadCount();
  const controller = new AbortController();
  const hasher = new PrefixHasher(fd, 4 * MiB, {signal: controller.signal});
  hasher.markWritten(0, MiB);
  const held = hasher.offer(MiB, sharedBatch(randomBytes(MiB)), MiB);
  assert.ok(held);
  const digest = hasher.digest(); // waits for the rest, which never comes
  const reason = new Error('cancelled by the user');
  controller.abort(reason);
  await assert.rejects(digest, reason);
  await held; // released, not left hanging
  await assert.rejects(hasher.digest(), reason);
  await hasher.close();
  if (before !== undefined) assert.equal(await threadsSettle(before), before);
});

test('many hashers in a row leave no threads behind', async (t) => {
  const content = randomBytes(64 * 1024);
  const fd = await partFile(t, content);
  const before = threadCount();
  const expected = createHash('sha256').update(content).digest('hex');
  for (let round = 0; round < 20; round++) {
    const hasher = new PrefixHasher(fd, content.length);
    hasher.markWritten(0, content.length);
    assert.equal(await hasher.digest(), expected);
    await hasher.close();
  }
  if (before !== undefined) assert.equal(await threadsSettle(before), before);
});
