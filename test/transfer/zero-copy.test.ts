/**
 * The zero-copy addon on its own (native/zero-copy.c through
 * source/node/native/zero-copy.ts): sendfile and splice over real loopback
 * sockets, short files, early closes, stalls, cancels and file errors. Where
 * the addon is not built (not Linux, no compiler) these are skipped and the
 * JavaScript path (portable-path.test.ts) is what runs.
 */
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import {FileChangedError, sendFileRegion} from '../../source/node/files/file-sender.js';
import {
  startZeroCopy,
  zeroCopyAvailable,
  zeroCopyTransfersStarted,
  type ZeroCopyError,
  type ZeroCopyTransfer,
} from '../../source/node/native/zero-copy.js';
import {LOOPBACK, MiB, testNetwork, writeRandomFile} from '../support/network.js';
import type {TestNetwork} from '../support/network.js';

const BUILT = fileURLToPath(
  new URL('../../native/build/zero-copy.node', import.meta.url),
);
const skip = zeroCopyAvailable() ? false : 'the zero-copy addon is not built here';

test('the addon loads wherever the install built it', () => {
  if (process.platform === 'linux' && existsSync(BUILT))
    assert.equal(zeroCopyAvailable(), true);
  else assert.equal(zeroCopyAvailable(), false);
});

/**
 * A connected pair on loopback: `near` is ours (a client paused before it
 * connects, so JavaScript never reads from it: the thread does), `far` the
 * peer's (it reads only when a test asks, at most its 64 KiB buffer early).
 */
async function socketPair(
  t: Pick<TestContext, 'after'>,
): Promise<{near: net.Socket; far: net.Socket}> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const accepted = new Promise<net.Socket>((resolve) =>
    server.once('connection', resolve),
  );
  const {port} = server.address() as net.AddressInfo;
  const near = net.connect({host: LOOPBACK, port});
  near.pause();
  const connected = new Promise<void>((resolve) => near.once('connect', resolve));
  const far = await accepted;
  far.pause();
  server.close();
  t.after(() => {
    near.destroy();
    far.destroy();
  });
  await connected;
  return {near, far};
}

/** Reads `count` bytes from a paused socket. */
function readBytes(socket: net.Socket, count: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= count) {
        socket.off('data', onData);
        socket.pause();
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.resume();
  });
}

async function rejectsWith(
  transfer: ZeroCopyTransfer,
  code: string,
): Promise<ZeroCopyError> {
  let failure: ZeroCopyError | undefined;
  await assert.rejects(transfer.done, (error: ZeroCopyError) => {
    failure = error;
    assert.equal(error.code, code);
    return true;
  });
  return failure as ZeroCopyError;
}

type Setup = {
  direction: 'send' | 'receive';
  /** The file, and how it is opened ('r' to send from, 'w+' to receive into). */
  file: string;
  flags: string;
  position?: number;
  length: number;
  stallMs?: number;
};

/** Opens the file and a socket pair, and starts the transfer on `near`. */
async function startOver(
  t: Pick<TestContext, 'after'>,
  setup: Setup,
): Promise<{transfer: ZeroCopyTransfer; near: net.Socket; far: net.Socket}> {
  const handle = await fs.open(setup.file, setup.flags);
  t.after(() => handle.close());
  const {near, far} = await socketPair(t);
  const transfer = startZeroCopy({
    direction: setup.direction,
    socket: near,
    fd: handle.fd,
    position: setup.position ?? 0,
    length: setup.length,
    stallMs: setup.stallMs ?? 10_000,
  });
  assert.ok(transfer, 'the zero-copy transfer did not start');
  return {transfer, near, far};
}

/** A file of `size` bytes that takes no disk space. */
async function sparseFile(network: TestNetwork, size: number): Promise<string> {
  const file = path.join(await network.tempDir('sparse'), 'sparse.bin');
  await fs.writeFile(file, '');
  await fs.truncate(file, size);
  return file;
}

async function emptyFile(network: TestNetwork): Promise<string> {
  const file = path.join(await network.tempDir('target'), 'target.bin');
  await fs.writeFile(file, '');
  return file;
}

test('sendfile sends exactly the asked region of the file', {skip}, async (t) => {
  const network = testNetwork(t);
  const file = path.join(await network.tempDir('send'), 'region.bin');
  await writeRandomFile(file, 5 * MiB);
  const content = await fs.readFile(file);
  const length = 3 * MiB + 5;
  const {transfer, far} = await startOver(t, {
    direction: 'send',
    file,
    flags: 'r',
    position: 1000,
    length,
  });
  const received = await readBytes(far, length);
  assert.equal(await transfer.done, length);
  assert.equal(transfer.progress(), length);
  assert.ok(received.equals(content.subarray(1000, 1000 + length)));
});

test(
  'a file shorter than the region ends the send early, with the count',
  {skip},
  async (t) => {
    const network = testNetwork(t);
    const file = path.join(await network.tempDir('short'), 'short.bin');
    await writeRandomFile(file, MiB);
    const {transfer, far} = await startOver(t, {
      direction: 'send',
      file,
      flags: 'r',
      length: 2 * MiB,
    });
    await readBytes(far, MiB);
    assert.equal(await transfer.done, MiB);
  },
);

test('a reader that takes nothing stalls the send: ETIMEDOUT', {skip}, async (t) => {
  const network = testNetwork(t);
  const {transfer} = await startOver(t, {
    direction: 'send',
    file: await sparseFile(network, 256 * MiB),
    flags: 'r',
    length: 256 * MiB,
    stallMs: 200,
  });
  const failure = await rejectsWith(transfer, 'ETIMEDOUT');
  assert.equal(failure.side, 'socket');
  assert.ok(failure.bytes > 0 && failure.bytes < 256 * MiB);
});

test(
  'closing the socket stops the sending thread, and then the peer sees the end',
  {skip},
  async (t) => {
    const network = testNetwork(t);
    const {transfer, near, far} = await startOver(t, {
      direction: 'send',
      file: await sparseFile(network, 256 * MiB),
      flags: 'r',
      length: 256 * MiB,
      stallMs: 0,
    });
    const farClosed = new Promise<void>((resolve) => far.once('close', () => resolve()));
    far.on('error', () => undefined);
    await readBytes(far, 1);
    near.destroy();
    await rejectsWith(transfer, 'ECANCELED');
    far.resume();
    await farClosed;
  },
);

test(
  'splice receives exactly `length` bytes at the position; what follows stays on the socket',
  {skip},
  async (t) => {
    const network = testNetwork(t);
    const source = path.join(await network.tempDir('receive'), 'source.bin');
    await writeRandomFile(source, 6 * MiB);
    const content = await fs.readFile(source);
    const target = await emptyFile(network);
    const {transfer, near, far} = await startOver(t, {
      direction: 'receive',
      file: target,
      flags: 'w+',
      position: 4096,
      length: content.length,
    });
    far.write(content);
    far.write('after the body');
    assert.equal(await transfer.done, content.length);
    const written = await fs.readFile(target);
    assert.equal(written.length, 4096 + content.length);
    assert.ok(written.subarray(4096).equals(content));
    assert.equal((await readBytes(near, 14)).toString(), 'after the body');
  },
);

test(
  'a peer that closes early ends the receive with the count so far',
  {skip},
  async (t) => {
    const network = testNetwork(t);
    const {transfer, far} = await startOver(t, {
      direction: 'receive',
      file: await emptyFile(network),
      flags: 'w+',
      length: 4 * MiB,
    });
    far.end(Buffer.alloc(MiB + 3, 7));
    assert.equal(await transfer.done, MiB + 3);
  },
);

test('a peer that sends nothing stalls the receive: ETIMEDOUT', {skip}, async (t) => {
  const network = testNetwork(t);
  const {transfer, far} = await startOver(t, {
    direction: 'receive',
    file: await emptyFile(network),
    flags: 'w+',
    length: 4 * MiB,
    stallMs: 200,
  });
  far.write(Buffer.alloc(1000));
  const failure = await rejectsWith(transfer, 'ETIMEDOUT');
  assert.equal(failure.bytes, 1000);
});

/** Receives 1 MiB into `file` opened with `flags`: the write must fail with `code`. */
async function receiveFailsOnFile(
  t: Pick<TestContext, 'after'>,
  file: string,
  flags: string,
  code: string,
): Promise<void> {
  const {transfer, far} = await startOver(t, {
    direction: 'receive',
    file,
    flags,
    length: 4 * MiB,
  });
  far.write(Buffer.alloc(MiB));
  const failure = await rejectsWith(transfer, code);
  assert.equal(failure.side, 'file');
}

test('a file that cannot be written fails on the file side', {skip}, async (t) => {
  const network = testNetwork(t);
  await receiveFailsOnFile(t, await emptyFile(network), 'r', 'EBADF');
});

test(
  'a file that takes no splice is written with pwrite instead: a full device says ENOSPC',
  {skip: skip || (existsSync('/dev/full') ? false : 'no /dev/full')},
  // splice(2) into /dev/full fails with EINVAL; its pwrite(2) with ENOSPC.
  (t) => receiveFailsOnFile(t, '/dev/full', 'w', 'ENOSPC'),
);

test(
  'a file that takes no sendfile is sent by the JavaScript path instead',
  {skip},
  async (t) => {
    // /proc files refuse sendfile(2) (EINVAL) but read(2) fine; the region is
    // longer than the file, so the JavaScript path ends with FileChangedError.
    const handle = await fs.open('/proc/self/status', 'r');
    t.after(() => handle.close());
    const {near, far} = await socketPair(t);
    const before = zeroCopyTransfersStarted();
    const sending = sendFileRegion(near, handle.fd, 0, 512 * 1024, {stallMs: 10_000});
    const refused = assert.rejects(sending, FileChangedError);
    const head = await readBytes(far, 5);
    assert.equal(head.subarray(0, 5).toString(), 'Name:');
    await refused;
    assert.equal(zeroCopyTransfersStarted(), before + 1);
  },
);
