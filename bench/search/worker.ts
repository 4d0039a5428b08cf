/**
 * One process of the search benchmark's network: it hosts some FilerNodes
 * on 127.0.0.1 and does what the main process asks over IPC (start nodes,
 * join, share, search and time the results, report peer lists, request
 * counts and its peak memory from /proc).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {FilerNode, type FilerNodeOptions} from '../../source/node/filer-node.js';
import type {SearchResult} from '../../source/node/types.js';
import type {Command, Reply, ResultTiming} from './worker-protocol.js';

const nodes: FilerNode[] = [];
let shareRoot: string | undefined;
const searches = new Map<
  number,
  {started: number; results: ResultTiming[]; stop: () => void}
>();

async function peakMemory(): Promise<number> {
  const status = await fs.readFile('/proc/self/status', 'utf8');
  const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

function node(index: number): FilerNode {
  const found = nodes[index];
  if (!found) throw new Error(`no node ${index} in this worker`);
  return found;
}

async function handle(command: Command): Promise<Reply['value']> {
  switch (command.kind) {
    case 'start': {
      const started: Array<{id: string; port: number}> = [];
      for (let index = 0; index < command.count; index++) {
        const options = command.options as FilerNodeOptions;
        const created = await FilerNode.start({...options, downloadDir: os.tmpdir()});
        nodes.push(created);
        started.push({id: created.id, port: created.port});
      }
      return started;
    }
    case 'join':
      return node(command.index).buildPeers(command.host, command.port);
    case 'share': {
      shareRoot ??= await fs.mkdtemp(path.join(os.tmpdir(), 'filer-bench-search-'));
      const directory = path.join(shareRoot, String(command.index));
      await fs.mkdir(directory, {recursive: true});
      const file = path.join(directory, command.name);
      await fs.writeFile(file, 'x');
      await node(command.index).addShare(file);
      return true;
    }
    case 'search': {
      const searcher = node(command.index);
      const entry = {
        started: performance.now(),
        results: [] as ResultTiming[],
        stop: () => {},
      };
      const listener = (result: SearchResult): void => {
        if (result.key !== command.key) return;
        entry.results.push({
          owner: result.owner,
          name: result.name,
          ms: performance.now() - entry.started,
        });
      };
      searcher.on('search-result', listener);
      entry.stop = () => searcher.off('search-result', listener);
      searches.set(command.search, entry);
      return searcher.search(command.key, command.ttl);
    }
    case 'results': {
      const entry = searches.get(command.search);
      if (!entry) return [];
      entry.stop();
      searches.delete(command.search);
      return entry.results;
    }
    case 'peers':
      return nodes.map((each) => ({
        id: each.id,
        peers: each.peers().map((peer) => peer.id),
      }));
    case 'counts':
      return nodes.map((each) => {
        const stats = each.searchStats();
        return {
          ...each.requestCounts(),
          skipped: stats.queriesSkipped,
          notSentBack: stats.queriesNotSentBack,
        };
      });
    case 'memory':
      return peakMemory();
    case 'close':
      await Promise.all(nodes.map((each) => each.close()));
      if (shareRoot) await fs.rm(shareRoot, {recursive: true, force: true});
      return true;
  }
}

process.on('message', (message: {id: number; command: Command}) => {
  handle(message.command).then(
    (value) => process.send?.({id: message.id, value} satisfies Reply),
    (error: unknown) =>
      process.send?.({id: message.id, error: String(error)} satisfies Reply),
  );
});
process.send?.({id: 0, value: 'ready'} satisfies Reply);
