/**
 * Ghost removal: files of an owner that died (kill -9) or left disappear
 * from the catalogue within a liveness period, on nodes that had it as a
 * neighbour and on nodes that only learned its files from a search.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import {startChildNode} from '../attack/attack-kit.js';
import {eventually} from '../support/eventually.js';
import {join, LOOPBACK, testNetwork, waitFor} from '../support/network.js';

test(
  'a killed owner takes its files out of the lists of neighbours and searchers',
  {timeout: 30_000},
  async (t) => {
    const network = testNetwork(t);
    const liveness = {stabilizeIntervalMs: 100};
    const searcher = await network.startNode(liveness);
    const middle = await network.startNode(liveness);
    await join(middle, searcher, 1);
    const shareDir = await network.tempDir('ghost-share');
    await fs.writeFile(path.join(shareDir, 'ghost-song.mp3'), 'boo');
    const owner = await startChildNode(t, {
      options: {
        port: 0,
        bindHost: LOOPBACK,
        advertisedHost: LOOPBACK,
        stabilizeIntervalMs: 0,
      },
      shares: [shareDir],
      contacts: [{host: LOOPBACK, port: middle.port}],
    });

    const found = waitFor(
      searcher,
      'search-result',
      (result) => result.owner === owner.id,
    );
    await searcher.search('ghost');
    await found;
    assert.deepEqual(searcher.file('ghost-song.mp3')?.owners, [owner.id]);
    assert.ok(
      !searcher.peers().some((peer) => peer.id === owner.id),
      'the owner is two hops away',
    );

    const gone = waitFor(searcher, 'file-removed', (name) => name === 'ghost-song.mp3');
    const dropped = waitFor(middle, 'peer-removed', (peer) => peer.id === owner.id);
    await owner.kill();
    await gone;
    assert.equal((await dropped)[1], 'unreachable');
    assert.equal(searcher.file('ghost-song.mp3'), undefined);
    assert.ok(!searcher.files().some((file) => file.owners.includes(owner.id)));
  },
);

test(
  'a neighbour that leaves takes its files out of the list',
  {timeout: 30_000},
  async (t) => {
    const network = testNetwork(t);
    const searcher = await network.startNode({stabilizeIntervalMs: 100});
    const owner = await network.startNode();
    await join(owner, searcher, 1);
    const shareDir = await network.tempDir('leaver-share');
    await fs.writeFile(path.join(shareDir, 'leaver.txt'), 'bye');
    await owner.addShare(shareDir);
    const found = waitFor(
      searcher,
      'search-result',
      (result) => result.name === 'leaver.txt',
    );
    await searcher.search('leaver');
    await found;
    const ownerId = owner.id;
    await owner.close();
    await eventually(
      () => searcher.file('leaver.txt') === undefined,
      () => `leaver.txt gone; owners now ${JSON.stringify(searcher.file('leaver.txt'))}`,
    );
    assert.ok(!searcher.peers().some((peer) => peer.id === ownerId));
  },
);
