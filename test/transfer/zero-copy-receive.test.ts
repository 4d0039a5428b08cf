/**
 * Between two nodes a plain FGET of a large file goes zero-copy at both ends
 * (sendfile, splice). Bodies large enough to be received zero-copy: the
 * receiver still catches bytes after the body, a source that dies or goes
 * silent mid-body, and leaves no file under the final name; a good body is
 * byte-identical. Skipped where the addon is not built (portable-path.test.ts
 * covers the JavaScript receiver with the same sizes).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import {
  zeroCopyAvailable,
  zeroCopyTransfersStarted,
} from '../../source/node/native/zero-copy.js';
import {randomBytes} from 'node:crypto';
import type {FilerNode} from '../../source/node/filer-node.js';
import {downloadToFile} from '../../source/node/transfer/download.js';
import {sha256Of, tellOwner} from './range-peer.js';
import type {FakePeer} from '../support/fake-peer.js';
import {MiB, sha256File, testNetwork, writeRandomFile} from '../support/network.js';
import type {TestNetwork} from '../support/network.js';
import {LOOPBACK, rawHeader} from '../support/raw-client.js';

const skip = zeroCopyAvailable() ? false : 'the zero-copy addon is not built here';

async function fetchFrom(
  network: TestNetwork,
  peer: FakePeer,
  name: string,
  idleTimeoutMs = 10_000,
) {
  const downloadDir = await network.tempDir('receive');
  const before = zeroCopyTransfersStarted();
  const result = downloadToFile({
    address: {host: LOOPBACK, port: peer.port},
    wireName: Buffer.from(name),
    name,
    downloadDir,
    connectTimeoutMs: 5_000,
    idleTimeoutMs,
  });
  // Settled either way before the caller looks at the count.
  const wentZeroCopy = result.then(
    () => zeroCopyTransfersStarted() > before,
    () => zeroCopyTransfersStarted() > before,
  );
  return {downloadDir, result, wentZeroCopy};
}

test('a plain fetch between two nodes goes zero-copy at both ends', {skip}, async (t) => {
  const network = testNetwork(t);
  const a = await network.startNode();
  const b = await network.startNode({plainFetch: true});
  const file = path.join(await network.tempDir('share'), 'both.bin');
  const content = randomBytes(9 * MiB + 5);
  await fs.writeFile(file, content);
  await a.addShare(file);
  await tellOwner(b as FilerNode, 'both.bin', a.id);
  const before = zeroCopyTransfersStarted();
  const transfer = await b.fetch('both.bin');
  assert.equal(zeroCopyTransfersStarted(), before + 2);
  assert.equal(await sha256File(transfer.path as string), sha256Of(content));
});

test('a large body arrives byte-identical through splice', {skip}, async (t) => {
  const network = testNetwork(t);
  const source = path.join(await network.tempDir('source'), 'big.bin');
  const size = 9 * MiB + 77;
  await writeRandomFile(source, size);
  const content = await fs.readFile(source);
  const peer = await network.startFakePeer({
    onRequest: (_request, socket) => {
      // The header and the first bytes in one segment, as a real source sends them.
      socket.write(Buffer.concat([rawHeader('REPL', size), content.subarray(0, 1000)]));
      socket.end(content.subarray(1000));
    },
  });
  const progress: number[] = [];
  const downloadDir = await network.tempDir('receive');
  const before = zeroCopyTransfersStarted();
  const done = await downloadToFile({
    address: {host: LOOPBACK, port: peer.port},
    wireName: Buffer.from('big.bin'),
    name: 'big.bin',
    downloadDir,
    connectTimeoutMs: 5_000,
    idleTimeoutMs: 10_000,
    onProgress: (received) => progress.push(received),
  });
  assert.equal(zeroCopyTransfersStarted(), before + 1);
  assert.equal(done.size, size);
  assert.equal(await sha256File(done.path), await sha256File(source));
  assert.equal(progress.at(-1), size);
  assert.deepEqual(await fs.readdir(downloadDir), ['big.bin']);
});

test(
  'bytes after a zero-copy body fail the fetch in one line, leaving no file',
  {skip},
  async (t) => {
    const network = testNetwork(t);
    const size = 6 * MiB;
    const peer = await network.startFakePeer({
      onRequest: (_request, socket) => {
        socket.write(rawHeader('REPL', size));
        socket.write(Buffer.alloc(size, 1));
        socket.write('and more');
      },
    });
    const {downloadDir, result, wentZeroCopy} = await fetchFrom(
      network,
      peer,
      'extra.bin',
    );
    await assert.rejects(result, /sent bytes after the end of the file/);
    assert.equal(await wentZeroCopy, true);
    assert.deepEqual(await fs.readdir(downloadDir), []);
  },
);

test(
  'a source that dies mid-body (zero-copy) is a truncated transfer, no file',
  {skip},
  async (t) => {
    const network = testNetwork(t);
    const peer = await network.startFakePeer({
      onRequest: (_request, socket) => {
        socket.write(rawHeader('REPL', 16 * MiB));
        socket.end(Buffer.alloc(5 * MiB, 2));
      },
    });
    const {downloadDir, result, wentZeroCopy} = await fetchFrom(network, peer, 'cut.bin');
    await assert.rejects(result, /received \d+ of 16777216 file bytes/);
    assert.equal(await wentZeroCopy, true);
    assert.deepEqual(await fs.readdir(downloadDir), []);
  },
);

test(
  'a source that goes silent mid-body (zero-copy) fails as a stall',
  {skip},
  async (t) => {
    const network = testNetwork(t);
    const peer = await network.startFakePeer({serves: {total: 16 * MiB, send: 5 * MiB}});
    const {downloadDir, result, wentZeroCopy} = await fetchFrom(
      network,
      peer,
      'stall.bin',
      300,
    );
    await assert.rejects(result, /timed out while sending the file/);
    assert.equal(await wentZeroCopy, true);
    assert.deepEqual(await fs.readdir(downloadDir), []);
  },
);
