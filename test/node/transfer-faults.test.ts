import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import {test} from 'node:test';
import {testNetwork, waitFor} from '../support/network.js';

test(
  'a source that accepts and resets at once fails the fetch, never the process',
  {timeout: 30_000},
  async (t) => {
    const network = testNetwork(t);
    const node = await network.startNode();
    const {id: owner} = await network.startFakePeer({resets: true});
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
