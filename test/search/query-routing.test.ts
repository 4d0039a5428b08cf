/**
 * Query routing between filer-tui neighbours (QTAB, QTAN, QFWD): a copy of a
 * query with no ttl left goes only where a neighbour's query table may
 * match, a copy is not sent back to the neighbour it came from, a share
 * added later is found at once, original peers still get every QUER, and a
 * hostile table is refused (docs/search.md, "Query routing").
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {testNetwork} from '../support/network.js';
import {rawFrame} from '../support/raw-client.js';
import {startOriginalPeer} from './original-peer.js';
import {
  injectQuery,
  mesh,
  responsesTo,
  ring,
  settled,
  shareFiles,
  startGraph,
  tablesTrusted,
} from './topology-kit.js';

const SHORT = {timeout: 60_000};

/** QUER and QFWD each node received. */
function queriesPerNode(nodes: readonly FilerNode[]): number[] {
  return nodes.map((node) => {
    const counts = node.requestCounts();
    return (counts.QUER ?? 0) + (counts.QFWD ?? 0);
  });
}

test(
  'a ring of 6: last-hop copies skip the neighbour whose table cannot match, and none goes back',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const nodes = await startGraph(network, ring(6));
    const at = (index: number): FilerNode => nodes[index] as FilerNode;
    await shareFiles(network, at(2), ['ring-two.txt']);
    await tablesTrusted(nodes);
    const asker = await network.startFakePeer();

    // 0 → 1, 5 (ttl 2) → 2, 4 (ttl 1) → 3 (ttl 0): node 3 holds nothing, so neither sends it.
    await injectQuery(at(0), asker, 'ring', 3);
    await settled(nodes);

    assert.deepEqual(responsesTo(asker), [`ring-two.txt ${at(2).id}`]);
    assert.deepEqual(queriesPerNode(nodes), [1, 1, 1, 0, 1, 1]);
    assert.equal(
      nodes.reduce((sum, node) => sum + node.searchStats().queriesSkipped, 0),
      2,
      'the two last-hop copies to node 3',
    );
  },
);

test(
  'a mesh of 5: a last-hop query reaches exactly the holders, every match answered',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const nodes = await startGraph(network, mesh(5));
    const at = (index: number): FilerNode => nodes[index] as FilerNode;
    await shareFiles(network, at(2), ['mesh-two-a.txt', 'mesh-two-b.txt']);
    await shareFiles(network, at(3), ['mesh-three.txt', 'other.txt']);
    await shareFiles(network, at(4), ['unrelated.txt']);
    await tablesTrusted(nodes);
    const asker = await network.startFakePeer();

    await injectQuery(at(0), asker, 'mesh', 1);
    await settled(nodes);

    assert.deepEqual(responsesTo(asker), [
      `mesh-three.txt ${at(3).id}`,
      `mesh-two-a.txt ${at(2).id}`,
      `mesh-two-b.txt ${at(2).id}`,
    ]);
    assert.deepEqual(queriesPerNode(nodes), [1, 0, 1, 1, 0]);
    // A key shorter than a gram may match anything: every neighbour gets it.
    await injectQuery(at(0), asker, 'zz', 1);
    await settled(nodes);
    assert.deepEqual(queriesPerNode(nodes), [2, 1, 2, 2, 1]);
  },
);

test(
  'a file shared after the tables were fetched is found by the very next query',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const nodes = await startGraph(network, mesh(2));
    const [relay, holder] = nodes as [FilerNode, FilerNode];
    await shareFiles(network, holder, ['old-file.txt']);
    await tablesTrusted(nodes);
    const first = await network.startFakePeer();
    await injectQuery(relay, first, 'fresh', 1);
    await settled(nodes);
    assert.equal(queriesPerNode(nodes)[1], 0, 'the holder-to-be is skipped');

    // addShare resolves once the neighbours know: no wait in between.
    await shareFiles(network, holder, ['fresh-file.txt']);
    const second = await network.startFakePeer();
    await injectQuery(relay, second, 'fresh', 1);
    await settled(nodes);
    assert.deepEqual(responsesTo(second), [`fresh-file.txt ${holder.id}`]);

    // Once the new table is fetched it is trusted again, and it has the new name.
    await tablesTrusted(nodes);
    const third = await network.startFakePeer();
    await injectQuery(relay, third, 'fresh', 1);
    await injectQuery(relay, third, 'nowhere', 1);
    await settled(nodes);
    assert.deepEqual(responsesTo(third), [`fresh-file.txt ${holder.id}`]);
    assert.equal(queriesPerNode(nodes)[1], 2, 'fresh twice, nowhere skipped');
  },
);

test(
  'an original peer gets every copy as a plain QUER, at the last hop too',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const nodes = await startGraph(network, mesh(2));
    const [node, other] = nodes as [FilerNode, FilerNode];
    const original = await startOriginalPeer(network);
    await node.buildPeers(original.host, original.port, 1);
    await tablesTrusted(nodes, (index) => (index === 0 ? 1 : 0));
    const asker = await network.startFakePeer();

    await injectQuery(node, asker, 'nothing-matches', 1);
    await injectQuery(node, asker, 'also-nothing', 3);
    await settled(nodes);

    const received = original.requests.map((request) => request.type);
    assert.equal(received.filter((type) => type === 'QUER').length, 2);
    assert.ok(!received.includes('QFWD'), received.join(' '));
    assert.equal(received.filter((type) => type === 'QTAB').length, 1, 'asked once');
    // The filer-tui neighbour: skipped at the last hop, then sent QFWD.
    assert.deepEqual(other.requestCounts().QFWD, 1);
    assert.equal(other.requestCounts().QUER, undefined);
  },
);

test(
  'hostile query tables are refused with one log line; those neighbours get every query',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const replies: Record<string, Buffer> = {
      oversized: Buffer.concat([Buffer.from('1 5 3 65536\n'), Buffer.alloc(65_536)]),
      'another format': Buffer.concat([Buffer.from('2 5 3 64\n'), Buffer.alloc(64)]),
      garbage: Buffer.from('\x00\xffnot a table at all'),
      'too large a frame': Buffer.alloc(70 * 1024),
    };
    const [node] = await network.startNodes(1, {maxPeers: 0, sizeLookup: false});
    assert.ok(node);
    const hostile = [];
    for (const reply of Object.values(replies)) {
      const peer = await startOriginalPeer(network, {}, (request, socket) => {
        if (request.type !== 'QTAB') return false;
        socket.end(rawFrame('REPL', reply));
        return true;
      });
      await node.buildPeers(peer.host, peer.port, 1);
      hostile.push(peer);
    }
    const asker = await network.startFakePeer();
    await settled([node]);
    assert.equal(node.searchStats().tables?.refused, hostile.length);

    await injectQuery(node, asker, 'nothing-matches', 1);
    await settled([node]);
    for (const peer of hostile) {
      assert.equal(peer.requests.filter((request) => request.type === 'QUER').length, 1);
    }
    const lines = node
      .recentLog()
      .filter((entry) => entry.message.includes('query table from'));
    assert.equal(lines.length, 1, lines.map((entry) => entry.message).join('\n'));
    assert.match(lines[0]?.message ?? '', /refused: .*; it gets every query/);
  },
);
