import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import {test} from 'node:test';
import {LOOPBACK, testNetwork, waitFor} from '../helpers/network.js';

/**
 * A server that accepts every connection and resets it at once: on the next
 * turn, so that the client has seen the connection open, as it would with a
 * peer in another process.
 */
async function startResettingPeer(t: {after: (fn: () => Promise<void>) => void}) {
  const server = net.createServer((socket) =>
    setImmediate(() => socket.resetAndDestroy()),
  );
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `${LOOPBACK}:${(server.address() as net.AddressInfo).port}`;
}

test(
  'a source that accepts and resets at once fails the fetch, never the process',
  {timeout: 30_000},
  async (t) => {
    const network = testNetwork(t);
    const node = await network.startNode();
    const owner = await startResettingPeer(t);
    // The reset races the opening of the part file; repeat to meet every order.
    for (let attempt = 0; attempt < 20; attempt++) {
      const failed = waitFor(node, 'transfer-failed');
      const {done} = node.startFetch(`reset-${attempt}.bin`, owner);
      await assert.rejects(done, /ECONNRESET|closed|unreachable/);
      assert.equal((await failed)[0].state, 'failed');
    }
    assert.deepEqual(await fs.readdir(node.downloadDir), [], 'no part file is left');
    assert.equal(node.isOpen, true);
  },
);
