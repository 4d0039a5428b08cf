/**
 * Rewiring over real nodes on 127.0.0.1: a full node trades a redundant
 * link for one to a far node (CEDE, SWAP, HAND), nobody gains or loses a
 * neighbour, every link stays mutual, and an original peer in the network
 * is never traded away.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {testNetwork, type TestNetwork} from '../support/network.js';
import {hopDistances, overlayShape, type PeerLists} from '../support/overlay-shape.js';
import {startOriginalPeer, type OriginalPeer} from './original-peer.js';

const SHORT = {timeout: 60_000};
const COUNT = 20;
/** Looks over all nodes before a test gives up on seeing a trade. */
const ROUNDS = 6;

type Member = FilerNode | OriginalPeer;

function listsOf(members: Member[]): Map<string, string[]> {
  return new Map(
    members.map((member) => [
      member.id,
      'table' in member
        ? [...member.table.keys()]
        : member.peers().map((peer) => peer.id),
    ]),
  );
}

/**
 * The circulant C20(1, 2): node i linked to i ± 1 and i ± 2, full at
 * max-peers 4 and full of triangles. The later node of each link joins the
 * earlier one, or the filer-tui end joins the original.
 */
async function circulant(network: TestNetwork, originalAt?: number): Promise<Member[]> {
  const members: Member[] = [];
  for (let index = 0; index < COUNT; index++) {
    members.push(
      index === originalAt
        ? await startOriginalPeer(network, 4)
        : await network.startNode({maxPeers: 4}),
    );
  }
  const links: Array<[number, number]> = [];
  for (let index = 1; index < COUNT; index++) {
    links.push([index, index - 1]);
    if (index >= 2) links.push([index, index - 2]);
  }
  links.push([0, COUNT - 2], [0, COUNT - 1], [1, COUNT - 1]);
  for (const [a, b] of links) {
    const [joiner, contact] = a === originalAt ? [b, a] : [a, b];
    const node = members[joiner] as FilerNode;
    const other = members[contact] as Member;
    const host = 'table' in other ? other.host : other.advertisedHost;
    await node.buildPeers(host, other.port, 1);
  }
  const shape = overlayShape(listsOf(members));
  assert.deepEqual([...shape.peerCounts], [[4, COUNT]], 'every node has 4 neighbours');
  return members;
}

function assertMutual(lists: PeerLists): void {
  for (const [id, peers] of lists) {
    for (const peer of peers) {
      assert.ok(lists.get(peer)?.includes(id), `${peer} lists ${id} back`);
    }
  }
}

/** Each node looks once a round, until a trade; the lists before and after it. */
async function firstTrade(members: Member[]) {
  for (let round = 0; round < ROUNDS; round++) {
    for (const member of members) {
      if ('table' in member) continue;
      const before = listsOf(members);
      if (await member.rewire()) return {node: member, before, after: listsOf(members)};
    }
  }
  return undefined;
}

test(
  'a full node trades a redundant link for a far one: counts kept, links mutual',
  SHORT,
  async (t) => {
    const members = await circulant(testNetwork(t));
    const startShape = overlayShape(listsOf(members));
    const trade = await firstTrade(members);
    assert.ok(trade, 'a node of a network full of triangles traded a link');
    const {node, before, after} = trade;
    const dropped = (before.get(node.id) ?? []).filter(
      (id) => !after.get(node.id)?.includes(id),
    );
    const gained = (after.get(node.id) ?? []).filter(
      (id) => !before.get(node.id)?.includes(id),
    );
    assert.equal(dropped.length, 1, 'one neighbour traded away');
    assert.equal(gained.length, 1, 'one neighbour gained');
    const distance = hopDistances(before, node.id).get(gained[0] ?? '') ?? Infinity;
    assert.ok(distance > 3, `the new neighbour was ${distance} hops away`);
    // Two other links changed too (F–G and A–B became G–B): degrees all kept.
    const shape = overlayShape(after);
    assert.deepEqual([...shape.peerCounts], [[4, COUNT]]);
    assert.equal(shape.components, 1);
    assertMutual(after);
    assert.ok(
      shape.meanReach >= startShape.meanReach,
      `4-hop share ${shape.meanReach} against ${startShape.meanReach}`,
    );
  },
);

test(
  'an original peer in the network is never traded away and its links stay',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const members = await circulant(network, 5);
    const original = members[5] as OriginalPeer;
    const itsPeers = [...original.table.keys()].sort();
    for (let round = 0; round < 3; round++) {
      for (const member of members) if (!('table' in member)) await member.rewire();
    }
    assert.deepEqual([...original.table.keys()].sort(), itsPeers);
    const lists = listsOf(members);
    assertMutual(lists);
    const shape = overlayShape(lists);
    assert.deepEqual([...shape.peerCounts], [[4, COUNT]]);
    assert.equal(shape.components, 1);
  },
);
