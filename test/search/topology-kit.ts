/**
 * Small fixed overlays of real nodes on 127.0.0.1 for search tests: links
 * made one JOIN at a time, files shared by name, queries injected from
 * outside with a fake peer as the return address (so the asker is not part
 * of the graph), and a wait until every query and every RESP is done.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type {FilerNode, FilerNodeOptions} from '../../source/node/filer-node.js';
import {eventually} from '../support/eventually.js';
import type {FakePeer} from '../support/fake-peer.js';
import {join, type TestNetwork} from '../support/network.js';
import {rawFrame, rawRequest} from '../support/raw-client.js';

/** Copies that arrive moments apart are never taken for a repeated search here. */
export const TOPOLOGY_OPTIONS = {
  maxPeers: 0,
  sizeLookup: false,
  searchLimits: {repeatWindowMs: 600_000},
} as const satisfies FilerNodeOptions;

/** Neighbour lists by node index. */
export type Graph = number[][];

export function ring(count: number): Graph {
  return Array.from({length: count}, (_, index) => [
    (index + count - 1) % count,
    (index + 1) % count,
  ]);
}

export function chain(count: number): Graph {
  return Array.from({length: count}, (_, index) =>
    [index - 1, index + 1].filter((other) => other >= 0 && other < count),
  );
}

export function mesh(count: number): Graph {
  return Array.from({length: count}, (_, index) =>
    Array.from({length: count}, (_, other) => other).filter((other) => other !== index),
  );
}

export function linkCount(graph: Graph): number {
  return graph.reduce((sum, neighbours) => sum + neighbours.length, 0) / 2;
}

/** Starts one node per vertex and joins each link once (one hop: no more). */
export async function startGraph(
  network: TestNetwork,
  graph: Graph,
  options: FilerNodeOptions = {},
): Promise<FilerNode[]> {
  const nodes = await network.startNodes(graph.length, {...TOPOLOGY_OPTIONS, ...options});
  for (const [index, neighbours] of graph.entries()) {
    for (const other of neighbours) {
      if (other < index)
        await join(nodes[index] as FilerNode, nodes[other] as FilerNode, 1);
    }
  }
  for (const [index, neighbours] of graph.entries()) {
    const node = nodes[index] as FilerNode;
    if (node.peers().length !== neighbours.length) {
      throw new Error(
        `node ${index} has ${node.peers().length} peers, not ${neighbours.length}`,
      );
    }
  }
  return nodes;
}

/** Shares files (name → content) from a fresh directory of `node`. */
export async function shareFiles(
  network: TestNetwork,
  node: FilerNode,
  names: readonly string[],
): Promise<void> {
  const directory = await network.tempDir('share');
  for (const name of names) await fs.writeFile(path.join(directory, name), name);
  await node.addShare(directory);
}

/** Sends `QUER <return> <key> <ttl>` to `node` as an outside peer would. */
export async function injectQuery(
  node: FilerNode,
  returnPeer: FakePeer,
  key: string | Buffer,
  ttl: number,
): Promise<Buffer> {
  const data = Buffer.concat([
    Buffer.from(`${returnPeer.id} `),
    typeof key === 'string' ? Buffer.from(key) : key,
    Buffer.from(` ${ttl}`),
  ]);
  return rawRequest(node.port, rawFrame('QUER', data));
}

/**
 * Waits until no node has a query in progress or an outgoing request open,
 * all at one moment: a QUER is counted by its receiver before its ack, so
 * nothing can still be on its way.
 */
export async function settled(nodes: readonly FilerNode[]): Promise<void> {
  await eventually(
    () =>
      nodes.every((node) => {
        const resources = node.resources();
        return (
          node.searchStats().queriesPending === 0 &&
          resources.outgoing === 0 &&
          resources.outgoingQueued === 0
        );
      }),
    'every query processed and every request done',
  );
}

/**
 * Waits until every node trusts the query table of every neighbour that has
 * one (`originals`: neighbours without, by node index), and no fetch is on its way.
 */
export async function tablesTrusted(
  nodes: readonly FilerNode[],
  originals: (index: number) => number = () => 0,
): Promise<void> {
  await eventually(
    () =>
      nodes.every(
        (node, index) =>
          node.searchStats().tables?.trusted === node.peers().length - originals(index),
      ),
    'every neighbour query table fetched',
  );
  await settled(nodes);
}

export type SearchTotals = {
  received: number;
  processed: number;
  forwarded: number;
  responses: number;
};

export function totals(nodes: readonly FilerNode[]): SearchTotals {
  const sum: SearchTotals = {received: 0, processed: 0, forwarded: 0, responses: 0};
  for (const node of nodes) {
    const stats = node.searchStats();
    sum.received += stats.queriesReceived;
    sum.processed += stats.queriesProcessed;
    sum.forwarded += stats.queriesForwarded;
    sum.responses += stats.responsesSent;
  }
  return sum;
}

/**
 * The original's flood, counted on paper: every copy is processed; a node
 * holding a match answers once and stops, else it passes the query to every
 * neighbour with one less ttl while ttl > 0.
 */
export function originalFlood(
  graph: Graph,
  start: number,
  ttl: number,
  holds: (node: number) => boolean = () => false,
): {received: number; responses: number} {
  const counts = {received: 0, responses: 0};
  const deliver = (node: number, left: number): void => {
    counts.received++;
    if (holds(node)) {
      counts.responses++;
      return;
    }
    if (left <= 0) return;
    for (const next of graph[node] ?? []) deliver(next, left - 1);
  };
  deliver(start, ttl);
  return counts;
}

/** The RESPs a fake return peer received, as `name owner` lines. */
export function responsesTo(peer: FakePeer): string[] {
  return peer.requests
    .filter((request) => request.type === 'RESP')
    .map((request) => request.data.toString('latin1'))
    .sort();
}
