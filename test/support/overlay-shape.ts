/**
 * The shape of an overlay from its peer lists: components (links taken both
 * ways), peer counts, how many nodes each node reaches within a number of
 * hops along its own peer lists (the way a query travels), and the diameter.
 */
export type PeerLists = ReadonlyMap<string, readonly string[]>;

export type OverlayShape = {
  nodes: number;
  components: number;
  /** Peer count → number of nodes with it. */
  peerCounts: Map<number, number>;
  minPeers: number;
  /** Mean over nodes of the share of the other nodes within `hops`. */
  meanReach: number;
  /** The smallest such share of one node. */
  minReach: number;
  hops: number;
  /** Longest shortest path between two nodes that reach each other. */
  diameter: number;
};

/** Distances in hops from `start` along the peer lists (unreached nodes absent). */
export function hopDistances(lists: PeerLists, start: string): Map<string, number> {
  const distance = new Map([[start, 0]]);
  const queue = [start];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const hops = distance.get(next) ?? 0;
    for (const peer of lists.get(next) ?? []) {
      if (!lists.has(peer) || distance.has(peer)) continue;
      distance.set(peer, hops + 1);
      queue.push(peer);
    }
  }
  return distance;
}

export function countComponents(lists: PeerLists): number {
  const undirected = new Map<string, string[]>([...lists.keys()].map((id) => [id, []]));
  for (const [id, peers] of lists) {
    for (const peer of peers) {
      if (!undirected.has(peer)) continue;
      undirected.get(id)?.push(peer);
      undirected.get(peer)?.push(id);
    }
  }
  const seen = new Set<string>();
  let components = 0;
  for (const id of undirected.keys()) {
    if (seen.has(id)) continue;
    components++;
    for (const reached of hopDistances(undirected, id).keys()) seen.add(reached);
  }
  return components;
}

export function overlayShape(lists: PeerLists, hops = 4): OverlayShape {
  const peerCounts = new Map<number, number>();
  let reachSum = 0;
  let minReach = lists.size > 1 ? 1 : 0;
  let diameter = 0;
  for (const [id, peers] of lists) {
    const count = peers.filter((peer) => lists.has(peer)).length;
    peerCounts.set(count, (peerCounts.get(count) ?? 0) + 1);
    const distances = hopDistances(lists, id);
    let within = 0;
    for (const distance of distances.values()) {
      if (distance > 0 && distance <= hops) within++;
      diameter = Math.max(diameter, distance);
    }
    if (lists.size > 1) {
      reachSum += within / (lists.size - 1);
      minReach = Math.min(minReach, within / (lists.size - 1));
    }
  }
  return {
    nodes: lists.size,
    components: countComponents(lists),
    peerCounts,
    minPeers: lists.size === 0 ? 0 : Math.min(...peerCounts.keys()),
    meanReach: lists.size === 0 ? 0 : reachSum / lists.size,
    minReach,
    hops,
    diameter,
  };
}
