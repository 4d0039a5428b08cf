/**
 * The overlay of real nodes on 127.0.0.1: late joiners get neighbours while
 * early nodes are full, small shapes stay one network when nodes join
 * through full nodes, removal frees a slot, and original peers (which know
 * no extension) take part.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {eventually} from '../support/eventually.js';
import {
  join,
  peerIds,
  testNetwork,
  waitFor,
  type TestNetwork,
} from '../support/network.js';
import {overlayShape} from '../support/overlay-shape.js';
import {startOriginalPeer} from './original-peer.js';

const SHORT = {timeout: 30_000};

function shapeOf(nodes: FilerNode[]) {
  return overlayShape(
    new Map(nodes.map((node) => [node.id, node.peers().map((peer) => peer.id)])),
  );
}

function describeLists(nodes: FilerNode[]): string {
  return nodes.map((node) => `${node.id} → [${peerIds(node).join(', ')}]`).join('\n');
}

/** Links node i to node i + 1 (and the last to the first when `ring`). */
async function linkInLine(nodes: FilerNode[], ring = false): Promise<void> {
  for (let index = 1; index < nodes.length; index++) {
    await join(nodes[index] as FilerNode, nodes[index - 1] as FilerNode, 1);
  }
  if (ring) await join(nodes[0] as FilerNode, nodes[nodes.length - 1] as FilerNode, 1);
}

async function meshOf(network: TestNetwork, count: number, maxPeers: number) {
  const nodes = await network.startNodes(count, {maxPeers});
  for (const [index, node] of nodes.entries()) {
    for (const other of nodes.slice(0, index)) await join(node, other, 1);
  }
  return nodes;
}

test(
  'late joiners get at least two neighbours while the early nodes are full',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const nodes: FilerNode[] = [];
    let seed = 42;
    const random = (): number => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    for (let index = 0; index < 16; index++) {
      const node = await network.startNode({maxPeers: 3});
      if (index > 0) await join(node, nodes[Math.floor(random() * index)] as FilerNode);
      nodes.push(node);
    }
    const shape = shapeOf(nodes);
    assert.equal(shape.components, 1, describeLists(nodes));
    assert.ok(
      shape.minPeers >= 2,
      `every node has two neighbours:\n${describeLists(nodes)}`,
    );
    assert.ok(Math.max(...shape.peerCounts.keys()) <= 3, 'max-peers holds');
    for (const node of nodes.slice(8)) {
      assert.ok(node.peers().length >= 2, `late joiner ${node.id} has two neighbours`);
    }
  },
);

test(
  'a ring of five full nodes takes a newcomer in and stays one ring',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const ring = await network.startNodes(5, {maxPeers: 2});
    await linkInLine(ring, true);
    assert.ok(
      ring.every((node) => node.peers().length === 2),
      'every ring node is full',
    );
    const late = await network.startNode({maxPeers: 2});
    assert.equal(await join(late, ring[2] as FilerNode), 2);
    const all = [...ring, late];
    const shape = shapeOf(all);
    assert.equal(shape.components, 1, describeLists(all));
    assert.deepEqual([...shape.peerCounts], [[2, 6]], 'a ring of six');
  },
);

test(
  'a mesh of five full nodes gives a newcomer two neighbours or more',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const mesh = await meshOf(network, 5, 4);
    assert.ok(
      mesh.every((node) => node.peers().length === 4),
      'the mesh is full',
    );
    const late = await network.startNode({maxPeers: 4});
    assert.ok((await join(late, mesh[0] as FilerNode)) >= 2);
    const all = [...mesh, late];
    const shape = shapeOf(all);
    assert.equal(shape.components, 1, describeLists(all));
    assert.ok(shape.minPeers >= 2 && Math.max(...shape.peerCounts.keys()) <= 4);
  },
);

test(
  'a chain longer than the ttl takes newcomers at full nodes and stays one chain',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const chain = await network.startNodes(7, {maxPeers: 2});
    await linkInLine(chain);
    const late = await network.startNodes(2, {maxPeers: 2});
    for (const node of late) assert.equal(await join(node, chain[3] as FilerNode, 1), 2);
    const all = [...chain, ...late];
    const shape = shapeOf(all);
    assert.equal(shape.components, 1, describeLists(all));
    assert.deepEqual(
      [...shape.peerCounts].sort(),
      [
        [1, 2],
        [2, 7],
      ],
      'still a chain of nine: two ends',
    );
  },
);

test('a peer that leaves frees its slot for a newcomer', SHORT, async (t) => {
  const network = testNetwork(t);
  const [hub, left, right] = await network.startNodes(3, {maxPeers: 2});
  await join(left as FilerNode, hub as FilerNode, 1);
  await join(right as FilerNode, hub as FilerNode, 1);
  const gone = waitFor(hub as FilerNode, 'peer-removed', (peer) => peer.id === right?.id);
  await (right as FilerNode).close();
  assert.equal((await gone)[1], 'quit');
  const late = await network.startNode({maxPeers: 2});
  assert.equal(await join(late, hub as FilerNode, 1), 1);
  assert.deepEqual(peerIds(hub as FilerNode), [left?.id, late.id].sort());
  assert.deepEqual(peerIds(left as FilerNode), [hub?.id], 'no handover was needed');
});

test('a killed neighbour is dropped and the top-up fills its slot', SHORT, async (t) => {
  const network = testNetwork(t);
  const fast = {maxPeers: 2, stabilizeIntervalMs: 100, topUpIntervalMs: 50};
  const hub = await network.startNode(fast);
  const [left, far] = await network.startNodes(2, {maxPeers: 2});
  const doomed = await network.startNodeProcess({maxPeers: 2});
  // The hub is full before far exists, so its fast top-up cannot take far's
  // place first; far is only found once doomed's slot is free.
  await join(left as FilerNode, hub, 1);
  await hub.buildPeers(doomed.host, doomed.port, 1);
  assert.deepEqual(peerIds(hub), [left?.id, doomed.id].sort());
  await join(far as FilerNode, left as FilerNode, 1);
  const dropped = waitFor(hub, 'peer-removed', (peer) => peer.id === doomed.id);
  await doomed.kill();
  assert.equal((await dropped)[1], 'unreachable');
  await eventually(
    () => peerIds(hub).includes(far?.id ?? ''),
    () =>
      `hub linking to far: ${describeLists([hub, left as FilerNode, far as FilerNode])}`,
  );
});

test(
  'original peers take part: no HAND twice to one, and joins go on past a full one',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const original = await startOriginalPeer(network, 2);
    const [hub, other] = await network.startNodes(2, {maxPeers: 2});
    await (hub as FilerNode).buildPeers(original.host, original.port, 1);
    await join(other as FilerNode, hub as FilerNode, 1);
    assert.deepEqual(
      peerIds(hub as FilerNode),
      [original.id, other?.id].sort(),
      'hub is full',
    );

    // Two newcomers through the full hub: HAND to the original is closed once,
    // then the hub knows better; the filer-tui neighbour takes the newcomers.
    for (const _ of [1, 2]) {
      const late = await network.startNode({maxPeers: 2});
      await join(late, hub as FilerNode, 1);
      assert.ok(late.peers().length >= 1, `${late.id} got in`);
    }
    assert.ok(original.received('HAND') <= 1, 'HAND is not sent to an original twice');

    // A newcomer whose contact is a full original goes on to its peers.
    original.table.set('127.0.0.1:1', '127.0.0.1 1');
    const newcomer = await network.startNode({maxPeers: 3});
    const added = await newcomer.buildPeers(original.host, original.port);
    assert.ok(
      added >= 2,
      `joined through the full original: ${peerIds(newcomer).join(', ')}`,
    );
    assert.ok(!peerIds(newcomer).includes(original.id));
  },
);
