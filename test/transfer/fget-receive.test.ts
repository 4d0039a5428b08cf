/**
 * The FGET receiver against sources that misbehave and a disk that fails:
 * each ends as one clear line, and never leaves a file under the final name.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import {downloadToFile} from '../../source/node/transfer/download.js';
import {writeAtPosition, type WriteAt} from '../../source/node/transfer/write-at.js';
import {LOOPBACK, rawHeader} from '../support/raw-client.js';
import {MiB, sha256File, testNetwork, writeRandomFile} from '../support/network.js';
import type {FakePeer} from '../support/fake-peer.js';
import type {TestNetwork} from '../support/network.js';

const LIMITS = {connectTimeoutMs: 5_000, idleTimeoutMs: 5_000};

async function fetchFrom(
  network: TestNetwork,
  peer: FakePeer,
  name: string,
  extra: {idleTimeoutMs?: number; writeAt?: WriteAt} = {},
) {
  const downloadDir = await network.tempDir('receive');
  const result = downloadToFile({
    address: {host: LOOPBACK, port: peer.port},
    wireName: Buffer.from(name),
    name,
    downloadDir,
    ...LIMITS,
    ...extra,
  });
  return {downloadDir, result};
}

test('bytes after the body fail the fetch in one line, leaving no file', async (t) => {
  const network = testNetwork(t);
  const peer = await network.startFakePeer({
    onRequest: (_request, socket) => {
      socket.write(rawHeader('REPL', 5));
      socket.write('hello');
      // More bytes, and the connection held open: the transfer must still end.
      setImmediate(() => socket.write('and more'));
    },
  });
  const {downloadDir, result} = await fetchFrom(network, peer, 'extra.txt');
  await assert.rejects(result, /sent bytes after the end of the file/);
  assert.deepEqual(await fs.readdir(downloadDir), []);
});

test('a source that sends nothing for the idle time fails as a stall', async (t) => {
  const network = testNetwork(t);
  const peer = await network.startFakePeer({serves: {total: 2 * MiB, send: 1000}});
  const {downloadDir, result} = await fetchFrom(network, peer, 'stall.bin', {
    idleTimeoutMs: 300,
  });
  await assert.rejects(result, /timed out while sending the file/);
  assert.deepEqual(await fs.readdir(downloadDir), []);
});

test('a full disk (ENOSPC) is one line about the disk, and leaves nothing', async (t) => {
  const network = testNetwork(t);
  const peer = await network.startFakePeer({serves: {total: 8 * MiB}});
  let writes = 0;
  const writeAt: WriteAt = async (fd, buffer, length, position) => {
    if (++writes === 3) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
      });
    }
    return writeAtPosition(fd, buffer, length, position);
  };
  const {downloadDir, result} = await fetchFrom(network, peer, 'full.bin', {writeAt});
  await assert.rejects(result, (error: Error) => {
    assert.match(
      error.message,
      /^cannot write .*full\.bin\.part: no space left on the device$/,
    );
    return true;
  });
  assert.deepEqual(await fs.readdir(downloadDir), []);
});

test('a slow disk holds the socket back and every byte still lands in place', async (t) => {
  const network = testNetwork(t);
  const directory = await network.tempDir('slow-disk');
  const source = path.join(directory, 'slow.bin');
  const size = 12 * MiB + 12_345;
  await writeRandomFile(source, size);
  const content = await fs.readFile(source);
  const peer = await network.startFakePeer({
    onRequest: (_request, socket) => {
      socket.write(rawHeader('REPL', size));
      socket.end(content);
    },
  });
  // Writes finish late and out of order, so the receiver runs out of batches.
  let turn = 0;
  const writeAt: WriteAt = async (fd, buffer, length, position) => {
    await new Promise((resolve) => setTimeout(resolve, (turn++ % 3) * 15));
    return writeAtPosition(fd, buffer, length, position);
  };
  const {result} = await fetchFrom(network, peer, 'slow.bin', {writeAt});
  const done = await result;
  assert.equal(done.size, size);
  assert.equal(await sha256File(done.path), await sha256File(source));
});

test("an ERRO reply is the peer's reason, quoted, and leaves nothing", async (t) => {
  const network = testNetwork(t);
  const peer = await network.startFakePeer({
    onRequest: (_request, socket) => {
      socket.write(rawHeader('ERRO', 14));
      socket.end('File not found');
    },
  });
  const {downloadDir, result} = await fetchFrom(network, peer, 'gone.txt');
  await assert.rejects(result, /replied: File not found/);
  assert.deepEqual(await fs.readdir(downloadDir), []);
});

test('a 255-byte name downloads (its part file name is shortened, not the file)', async (t) => {
  const network = testNetwork(t);
  const name = `${'n'.repeat(251)}.bin`;
  const peer = await network.startFakePeer({serves: {total: 3 * MiB}});
  let partName: string | undefined;
  const writeAt: WriteAt = async (fd, buffer, length, position) => {
    partName ??= (await fs.readdir(downloadDir))[0];
    return writeAtPosition(fd, buffer, length, position);
  };
  const {downloadDir, result} = await fetchFrom(network, peer, name, {writeAt});
  const done = await result;
  assert.equal(done.name, name);
  assert.equal(done.size, 3 * MiB);
  assert.ok(partName && Buffer.byteLength(partName) <= 255 && partName.endsWith('.part'));
  assert.deepEqual(await fs.readdir(downloadDir), [name]);
});

test('a dotfile name is saved visibly: .bashrc becomes _bashrc', async (t) => {
  const network = testNetwork(t);
  const peer = await network.startFakePeer({serves: {total: 10}});
  const {downloadDir, result} = await fetchFrom(network, peer, '.bashrc');
  const done = await result;
  assert.equal(done.name, '_bashrc');
  assert.deepEqual(await fs.readdir(downloadDir), ['_bashrc']);
});
