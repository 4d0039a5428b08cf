/**
 * Search on small fixed overlays of real nodes: how many copies of a query
 * travel, how far, and that every holder in reach answers (issue 8).
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {testNetwork} from '../support/network.js';
import {
  chain,
  injectQuery,
  linkCount,
  mesh,
  originalFlood,
  responsesTo,
  ring,
  settled,
  shareFiles,
  startGraph,
  tablesTrusted,
  totals,
} from './topology-kit.js';

const SHORT = {timeout: 60_000};

test(
  'a chain longer than the ttl: reached exactly ttl + 1 hops, a holder behind a holder found',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const nodes = await startGraph(network, chain(7));
    const at = (index: number): FilerNode => nodes[index] as FilerNode;
    await shareFiles(network, at(2), ['song-two.mp3', 'other.txt']);
    await shareFiles(network, at(4), ['song-four.mp3']);
    await shareFiles(network, at(5), ['song-five.mp3']);
    await tablesTrusted(nodes);
    const asker = await network.startFakePeer();

    await injectQuery(at(0), asker, 'song', 4);
    await settled(nodes);

    assert.deepEqual(responsesTo(asker), [
      `song-four.mp3 ${at(4).id}`,
      `song-two.mp3 ${at(2).id}`,
    ]);
    assert.deepEqual(
      nodes.map((node) => node.searchStats().queriesProcessed),
      [1, 1, 1, 1, 1, 0, 0],
      'nodes 0-4 processed it once; 5 and 6 are beyond the ttl',
    );
    // Each node passes it on to every neighbour but the one it came from (QFWD
    // names it; node 0 had it from outside, so node 1 gets it), and node 3's
    // last-hop copy goes to node 4 only as its query table may match.
    assert.deepEqual(totals(nodes), {
      received: 5,
      processed: 5,
      forwarded: 4,
      responses: 2,
    });
  },
);

test(
  'a ring: the holder opposite answers once; copies with no more ttl are dropped',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const graph = ring(6);
    const nodes = await startGraph(network, graph);
    const holder = nodes[3] as FilerNode;
    await shareFiles(network, holder, ['far-a.txt', 'far-b.txt']);
    const asker = await network.startFakePeer();

    await injectQuery(nodes[0] as FilerNode, asker, 'far', 4);
    await settled(nodes);

    assert.deepEqual(responsesTo(asker), [
      `far-a.txt ${holder.id}`,
      `far-b.txt ${holder.id}`,
    ]);
    const sum = totals(nodes);
    for (const [index, node] of nodes.entries()) {
      assert.ok(node.searchStats().queriesProcessed >= 1, `node ${index} reached`);
    }
    assert.ok(sum.received > sum.processed, 'some copies were dropped as duplicates');
    // Without the filter, the original's flood on this ring with no holder:
    const flood = originalFlood(graph, 0, 4).received;
    assert.ok(
      sum.received < flood,
      `${sum.received} copies, the original's flood ${flood}`,
    );
    assert.ok(
      sum.forwarded <= 2 * linkCount(graph) + graph.length,
      `${sum.forwarded} forwarded`,
    );
  },
);

test('a mesh of 5: every match of every holder, each once', SHORT, async (t) => {
  const network = testNetwork(t);
  const nodes = await startGraph(network, mesh(5));
  const at = (index: number): FilerNode => nodes[index] as FilerNode;
  await shareFiles(network, at(0), ['mesh-zero.txt']);
  await shareFiles(network, at(2), ['mesh-two.txt']);
  await shareFiles(network, at(3), [
    'mesh-three-a.txt',
    'mesh-three-b.txt',
    'elsewhere.txt',
  ]);
  const asker = await network.startFakePeer();

  await injectQuery(at(0), asker, 'mesh', 4);
  await settled(nodes);

  assert.deepEqual(responsesTo(asker), [
    `mesh-three-a.txt ${at(3).id}`,
    `mesh-three-b.txt ${at(3).id}`,
    `mesh-two.txt ${at(2).id}`,
    `mesh-zero.txt ${at(0).id}`,
  ]);
  const sum = totals(nodes);
  // A node processes a query again only when it comes with more ttl: at most
  // once per ttl value, and with the direct copy first, once.
  for (const node of nodes) assert.ok(node.searchStats().queriesProcessed <= 4);
  assert.ok(sum.processed >= 5);
  assert.ok(sum.forwarded <= sum.processed * 4);
});

test(
  'a search of a person repeated: answered again while its flood copies are not',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const nodes = await startGraph(network, mesh(3), {searchLimits: {repeatWindowMs: 0}});
    const holder = nodes[1] as FilerNode;
    await shareFiles(network, holder, ['again.txt']);
    const asker = await network.startFakePeer();
    for (let round = 1; round <= 2; round++) {
      await injectQuery(nodes[0] as FilerNode, asker, 'again', 4);
      await settled(nodes);
      assert.equal(responsesTo(asker).length, round, `answers after search ${round}`);
    }
  },
);

test('compatible mode reproduces the original flood, copy for copy', SHORT, async (t) => {
  const network = testNetwork(t);
  const cases = [
    {name: 'mesh of 4', graph: mesh(4), ttl: 3},
    {name: 'chain of 5', graph: chain(5), ttl: 4},
    {name: 'ring of 5', graph: ring(5), ttl: 4},
  ];
  for (const {name, graph, ttl} of cases) {
    const nodes = await startGraph(network, graph, {searchMode: 'compatible'});
    const asker = await network.startFakePeer();
    await injectQuery(nodes[0] as FilerNode, asker, 'nothing-matches', ttl);
    await settled(nodes);
    assert.equal(totals(nodes).received, originalFlood(graph, 0, ttl).received, name);
  }
  // With holders: the first match answers and stops the flood there.
  const graph = chain(5);
  const nodes = await startGraph(network, graph, {searchMode: 'compatible'});
  await shareFiles(network, nodes[2] as FilerNode, ['hit-a.txt', 'hit-b.txt']);
  const asker = await network.startFakePeer();
  await injectQuery(nodes[0] as FilerNode, asker, 'hit', 4);
  await settled(nodes);
  const expected = originalFlood(graph, 0, 4, (node) => node === 2);
  assert.equal(totals(nodes).received, expected.received);
  assert.equal(responsesTo(asker).length, expected.responses);
});
