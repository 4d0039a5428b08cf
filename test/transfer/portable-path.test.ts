/**
 * With the zero-copy addon switched off (FILER_TUI_NATIVE=0, as on a machine
 * where it did not build), large transfers between two real nodes take the
 * JavaScript sender and receiver, and arrive byte-identical: plain FGET and
 * the verified ranged fetch. The same sizes go zero-copy in the rest of the
 * suite wherever the addon is built.
 */
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {
  zeroCopyAvailable,
  zeroCopyTransfersStarted,
} from '../../source/node/native/zero-copy.js';
import {MiB, sha256File, testNetwork} from '../support/network.js';
import {sha256Of, tellOwner} from './range-peer.js';

// Read once, at the first transfer: before any runs in this process.
process.env.FILER_TUI_NATIVE = '0';

const SHORT = {timeout: 60_000};

test('the switch turns the addon off', () => {
  assert.equal(zeroCopyAvailable(), false);
});

for (const plainFetch of [true, false]) {
  test(
    `a ${plainFetch ? 'plain FGET' : 'verified ranged'} fetch of 9 MiB without the addon is byte-identical`,
    SHORT,
    async (t) => {
      const network = testNetwork(t);
      const a = await network.startNode();
      const b = await network.startNode({plainFetch});
      const file = path.join(await network.tempDir('share'), 'portable.bin');
      const content = randomBytes(9 * MiB + 5);
      await fs.writeFile(file, content);
      await a.addShare(file);
      await tellOwner(b as FilerNode, 'portable.bin', a.id);
      const transfer = await b.fetch('portable.bin');
      assert.equal(transfer.verified, !plainFetch);
      assert.equal(await sha256File(transfer.path as string), sha256Of(content));
      assert.equal(zeroCopyTransfersStarted(), 0);
    },
  );
}
