/**
 * Issue 9 #8: nobody can remove a node's neighbours or fill its peer list
 * with made-up ids. A JOIN is confirmed by NAME at the announced address; a
 * QUIT is taken only from the named peer's address and acted on only when
 * the peer confirms it (it is gone, or no longer lists this node).
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {eventually} from '../support/eventually.js';
import {join, LOOPBACK, peerIds, testNetwork, waitFor} from '../support/network.js';
import {rawFrame, rawRequest} from '../support/raw-client.js';

const SHORT = {timeout: 20_000};

test(
  'forged JOINs fill no peer list: the announced address must answer NAME with the id',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const node = await network.startNode();
    const impostor = await network.startFakePeer({answersName: true});
    const silent = await network.startFakePeer();
    // An address that answers NAME with another id, one that closes without
    // a reply, and one where nothing listens.
    const forged = [
      `${LOOPBACK}:1 ${LOOPBACK} ${impostor.port}`,
      `${silent.id} ${LOOPBACK} ${silent.port}`,
      `${LOOPBACK}:1 ${LOOPBACK} 1`,
    ];
    for (const data of forged) {
      const reply = await rawRequest(node.port, rawFrame('JOIN', data));
      assert.match(reply.subarray(8).toString('utf8'), /^Join: not confirmed: /, data);
    }
    assert.deepEqual(node.peers(), []);

    // The real one gets in.
    const real = `${impostor.id} ${LOOPBACK} ${impostor.port}`;
    const reply = await rawRequest(node.port, rawFrame('JOIN', real));
    assert.equal(reply.subarray(8).toString('utf8'), `Join: peer added: ${impostor.id}`);
    assert.deepEqual(peerIds(node), [impostor.id]);
  },
);

test('a QUIT sent by a stranger removes no one; its own QUIT does', SHORT, async (t) => {
  const network = testNetwork(t);
  const [a, b] = await network.startNodes(2);
  if (!a || !b) throw new Error('two nodes');
  await join(b, a, 1);
  assert.deepEqual(peerIds(a), [b.id]);

  // A stranger on the same host names b: answered as the original would,
  // but b still lists a, so a keeps it.
  const ignored = waitFor(a, 'log', (entry) =>
    entry.message.includes(`QUIT for ${b.id} ignored`),
  );
  await rawRequest(a.port, rawFrame('QUIT', b.id));
  await ignored;
  assert.deepEqual(peerIds(a), [b.id]);
  assert.deepEqual(peerIds(b), [a.id]);

  const dropped = waitFor(a, 'peer-removed', (peer) => peer.id === b.id);
  await b.removePeer(a.id);
  assert.equal((await dropped)[1], 'quit');
  await eventually(() => a.peers().length === 0, 'a without b');
});
