/**
 * Search benchmark and network simulator (`npm run bench:search [-- options]`):
 * N FilerNodes on 127.0.0.1 in a few worker processes join one after another,
 * each through a random earlier node; files are shared on random nodes; then
 * searches from random nodes, one at a time. For each search mode the node
 * supports (filer, and compatible once the node has `searchMode`), it prints
 * the overlay's shape (components, peer-count histogram, mean share of nodes
 * within 4 hops, diameter) and the search figures (QUER and RESP messages per
 * search, recall of the holders within 4 hops, time to first and last result,
 * memory per node from /proc VmHWM against an empty worker in the same run).
 */
import {writeFile} from 'node:fs/promises';
import {parseArgs} from 'node:util';
import {resolveOptions} from '../../source/node/node-options.js';
import {
  hopDistances,
  overlayShape,
  type OverlayShape,
} from '../../test/support/overlay-shape.js';
import {seededRandom} from '../../test/support/seeded-random.js';
import {percentile, formatHistogram, mean} from './figures.js';
import {Worker} from './worker-handle.js';
import type {ResultTiming} from './worker-protocol.js';

const {values} = parseArgs({
  options: {
    nodes: {type: 'string', default: '200'},
    workers: {type: 'string', default: '4'},
    searches: {type: 'string', default: '40'},
    holders: {type: 'string', default: '3'},
    'max-peers': {type: 'string', default: '5'},
    ttl: {type: 'string', default: '4'},
    settle: {type: 'string', default: '10'},
    quiet: {type: 'string', default: '1000'},
    seed: {type: 'string', default: '1'},
    /** `filer`, `compatible` or `both`. */
    modes: {type: 'string', default: 'both'},
    /** A file to write the peer lists to (JSON), for analysis. */
    dump: {type: 'string'},
  },
});
const NODES = Number(values.nodes);
const WORKERS = Math.max(1, Math.min(Number(values.workers), NODES));
const SEARCHES = Number(values.searches);
const HOLDERS = Number(values.holders);
const MAX_PEERS = Number(values['max-peers']);
const TTL = Number(values.ttl);
const SETTLE_MS = Number(values.settle) * 1000;
const QUIET_MS = Number(values.quiet);
const SEED = Number(values.seed);
const HOPS = 4;
const LOOPBACK = '127.0.0.1';

type Mode = 'filer' | 'compatible';
type Placed = {worker: Worker; local: number; id: string; port: number};
type SearchFigures = {
  quer: number;
  resp: number;
  inReach: number;
  found: number;
  foundBeyond: number;
  firstMs?: number;
  lastMs?: number;
};

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Requests of the given types received by every node so far. */
async function countOf(workers: Worker[], types: string[]): Promise<Map<string, number>> {
  const counted = new Map(types.map((type) => [type, 0]));
  for (const worker of workers) {
    for (const counts of await worker.ask<Array<Record<string, number>>>({
      kind: 'counts',
    })) {
      for (const type of types) {
        counted.set(type, (counted.get(type) ?? 0) + (counts[type] ?? 0));
      }
    }
  }
  return counted;
}

/** `skipped`, `notSentBack`: copies query routing did not send (search stats). */
type Totals = {
  quer: number;
  resp: number;
  tableFetches: number;
  tableNotices: number;
  skipped: number;
  notSentBack: number;
};

/** Messages received so far: queries (QUER, and QFWD between filer-tui peers), RESP, query-table traffic. */
async function totals(workers: Worker[]): Promise<Totals> {
  const sum: Totals = {
    quer: 0,
    resp: 0,
    tableFetches: 0,
    tableNotices: 0,
    skipped: 0,
    notSentBack: 0,
  };
  for (const worker of workers) {
    for (const counts of await worker.ask<Array<Record<string, number>>>({
      kind: 'counts',
    })) {
      sum.quer += (counts.QUER ?? 0) + (counts.QFWD ?? 0);
      sum.resp += counts.RESP ?? 0;
      sum.tableFetches += counts.QTAB ?? 0;
      sum.tableNotices += counts.QTAN ?? 0;
      sum.skipped += counts.skipped ?? 0;
      sum.notSentBack += counts.notSentBack ?? 0;
    }
  }
  return sum;
}

/** Waits until no QUER or RESP arrived anywhere for QUIET_MS (at most 20 s). */
async function untilQuiet(workers: Worker[]): Promise<Totals> {
  let last = await totals(workers);
  let stableSince = Date.now();
  const deadline = Date.now() + 20_000;
  while (Date.now() - stableSince < QUIET_MS && Date.now() < deadline) {
    await delay(100);
    const now = await totals(workers);
    if (now.quer !== last.quer || now.resp !== last.resp) {
      last = now;
      stableSince = Date.now();
    }
  }
  return last;
}

async function runMode(mode: Mode): Promise<void> {
  const random = seededRandom(SEED);
  const pick = (count: number): number => Math.floor(random() * count);
  const workers = await Promise.all(Array.from({length: WORKERS}, () => Worker.start()));
  try {
    const options = {
      port: 0,
      bindHost: LOOPBACK,
      advertisedHost: LOOPBACK,
      maxPeers: MAX_PEERS,
      // The hash cache in memory only: benchmark nodes leave the user's state alone.
      stateDir: '',
      ...(mode === 'compatible' ? {searchMode: 'compatible'} : {}),
    };
    const placed: Placed[] = [];
    const started = await Promise.all(
      workers.map((worker, index) =>
        worker.ask<Array<{id: string; port: number}>>({
          kind: 'start',
          count: Math.ceil((NODES - index) / WORKERS),
          options,
        }),
      ),
    );
    for (let index = 0; index < NODES; index++) {
      const worker = workers[index % WORKERS] as Worker;
      const local = Math.floor(index / WORKERS);
      const address = started[index % WORKERS]?.[local];
      if (!address) throw new Error(`node ${index} did not start`);
      placed.push({worker, local, ...address});
    }

    const joinStart = Date.now();
    for (let index = 1; index < NODES; index++) {
      const node = placed[index] as Placed;
      const contact = placed[pick(index)] as Placed;
      await node.worker.ask({
        kind: 'join',
        index: node.local,
        host: LOOPBACK,
        port: contact.port,
      });
    }
    const joinMs = Date.now() - joinStart;

    const keys = Array.from({length: SEARCHES}, (_, index) => `k${index}x`);
    const holders = new Map<string, Set<string>>();
    for (const key of keys) {
      const count = 1 + pick(2 * HOLDERS - 1);
      const chosen = new Set<number>();
      while (chosen.size < Math.min(count, NODES - 1)) chosen.add(pick(NODES));
      for (const index of chosen) {
        const node = placed[index] as Placed;
        await node.worker.ask({
          kind: 'share',
          index: node.local,
          name: `bench-${key}-${index}.dat`,
        });
      }
      holders.set(key, new Set([...chosen].map((index) => (placed[index] as Placed).id)));
    }
    await delay(SETTLE_MS);

    const lists = new Map<string, string[]>();
    for (const worker of workers) {
      for (const {id, peers} of await worker.ask<Array<{id: string; peers: string[]}>>({
        kind: 'peers',
      })) {
        lists.set(id, peers);
      }
    }
    const shape = overlayShape(lists, HOPS);
    if (values.dump) {
      await writeFile(`${values.dump}.${mode}.json`, JSON.stringify([...lists]));
    }
    const oneWay = [...lists].reduce(
      (sum, [id, peers]) =>
        sum + peers.filter((peer) => !lists.get(peer)?.includes(id)).length,
      0,
    );
    const trades = await countOf(workers, ['CEDE', 'SWAP', 'HAND']);

    const figures: SearchFigures[] = [];
    const searchesStart = await totals(workers);
    const searchStartMs = Date.now();
    for (const [number, key] of keys.entries()) {
      const keyHolders = holders.get(key) ?? new Set();
      let searcherIndex = pick(NODES);
      while (keyHolders.has((placed[searcherIndex] as Placed).id))
        searcherIndex = pick(NODES);
      const searcher = placed[searcherIndex] as Placed;
      const distances = hopDistances(lists, searcher.id);
      const inReach = [...keyHolders].filter(
        (id) => (distances.get(id) ?? Infinity) <= HOPS,
      );
      const before = await totals(workers);
      await searcher.worker.ask({
        kind: 'search',
        index: searcher.local,
        search: number,
        key,
        ttl: TTL,
      });
      const after = await untilQuiet(workers);
      const results = await searcher.worker.ask<ResultTiming[]>({
        kind: 'results',
        search: number,
      });
      const owners = new Set(results.map((result) => result.owner));
      const times = results.map((result) => result.ms);
      figures.push({
        quer: after.quer - before.quer,
        resp: after.resp - before.resp,
        inReach: inReach.length,
        found: inReach.filter((id) => owners.has(id)).length,
        foundBeyond: [...owners].filter(
          (id) => keyHolders.has(id) && !inReach.includes(id),
        ).length,
        ...(times.length > 0
          ? {firstMs: Math.min(...times), lastMs: Math.max(...times)}
          : {}),
      });
    }

    const searchesEnd = await totals(workers);
    const searchMinutes = (Date.now() - searchStartMs) / 60_000;
    const perSearch = (count: number): string =>
      (count / Math.max(1, figures.length)).toFixed(1);
    const perNodeMinute = (count: number): string =>
      (count / NODES / searchMinutes).toFixed(1);
    const fetches = searchesEnd.tableFetches - searchesStart.tableFetches;
    const notices = searchesEnd.tableNotices - searchesStart.tableNotices;
    const peaks = await Promise.all(
      workers.map((worker) => worker.ask<number>({kind: 'memory'})),
    );
    report(mode, shape, figures, joinMs, peaks, trades, oneWay);
    console.log(
      `${'QTAB, QTAN per search'.padEnd(30)} ${perSearch(fetches)}, ${perSearch(notices)} (tables fetched, changes announced; per node and minute ${perNodeMinute(fetches)}, ${perNodeMinute(notices)})`,
    );
    console.log(
      `${'copies not sent per search'.padEnd(30)} last hop (tables) ${perSearch(searchesEnd.skipped - searchesStart.skipped)}, back to the sender ${perSearch(searchesEnd.notSentBack - searchesStart.notSentBack)}`,
    );
    await Promise.all(workers.map((worker) => worker.ask({kind: 'close'})));
  } finally {
    for (const worker of workers) worker.stop();
  }
}

let baselinePeak = Number.NaN;

function report(
  mode: Mode,
  shape: OverlayShape,
  figures: SearchFigures[],
  joinMs: number,
  peaks: number[],
  trades: Map<string, number>,
  oneWay: number,
): void {
  const links = [...shape.peerCounts].reduce(
    (sum, [count, nodes]) => sum + count * nodes,
    0,
  );
  const sumOf = (pickValue: (figure: SearchFigures) => number): number =>
    figures.reduce((sum, figure) => sum + pickValue(figure), 0);
  const inReach = sumOf((figure) => figure.inReach);
  const firsts = figures.flatMap((figure) =>
    figure.firstMs === undefined ? [] : [figure.firstMs],
  );
  const lasts = figures.flatMap((figure) =>
    figure.lastMs === undefined ? [] : [figure.lastMs],
  );
  const perNode =
    (peaks.reduce((sum, peak) => sum + peak, 0) - peaks.length * baselinePeak) / NODES;
  const line = (label: string, value: string): void =>
    console.log(`${label.padEnd(30)} ${value}`);
  const ms = (value: number): string =>
    Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a';
  const quer = figures.map((figure) => figure.quer);
  const resp = figures.map((figure) => figure.resp);
  const found = sumOf((figure) => figure.found);
  const recall = inReach === 0 ? 'n/a' : `${((found / inReach) * 100).toFixed(1)}%`;
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
  console.log(
    `\n== ${mode} mode: ${NODES} nodes in ${WORKERS} processes, max-peers ${MAX_PEERS}, ttl ${TTL}`,
  );
  line(
    'joins (one after another)',
    `${(joinMs / 1000).toFixed(1)} s, then ${SETTLE_MS / 1000} s to settle`,
  );
  line('components', String(shape.components));
  line('peer counts (count:nodes)', formatHistogram(shape.peerCounts));
  line('links (peer-list entries)', `${links} (${oneWay} one-way)`);
  line(
    `share within ${HOPS} hops`,
    `mean ${(shape.meanReach * 100).toFixed(1)}%, min ${(shape.minReach * 100).toFixed(1)}%`,
  );
  line('diameter', String(shape.diameter));
  line(
    'overlay extensions received',
    [...trades].map(([type, count]) => `${type} ${count}`).join(', '),
  );
  line('searches', `${figures.length} (holders per key 1-${2 * HOLDERS - 1})`);
  line('QUER+QFWD per search', `mean ${mean(quer).toFixed(1)}, max ${Math.max(...quer)}`);
  line('RESP per search', `mean ${mean(resp).toFixed(1)}, max ${Math.max(...resp)}`);
  line(
    `recall within ${HOPS} hops`,
    `${recall} (${found} of ${inReach} holders; ${sumOf((figure) => figure.foundBeyond)} more found beyond ${HOPS} hops)`,
  );
  line(
    'first result',
    `median ${ms(percentile(firsts, 50))}, p95 ${ms(percentile(firsts, 95))} (${firsts.length} searches with results)`,
  );
  line(
    'last result',
    `median ${ms(percentile(lasts, 50))}, p95 ${ms(percentile(lasts, 95))}`,
  );
  line(
    'memory per node (VmHWM)',
    `${(perNode / 1e6).toFixed(2)} MB (workers ${peaks.map(mb).join(', ')}; an empty worker ${mb(baselinePeak)})`,
  );
}

const baseline = await Worker.start();
baselinePeak = await baseline.ask<number>({kind: 'memory'});
baseline.stop();

const modes: Mode[] = values.modes === 'compatible' ? [] : ['filer'];
if (values.modes === 'filer') {
  // Only filer mode was asked for.
} else if ('searchMode' in resolveOptions({})) modes.push('compatible');
else
  console.log(
    '(compatible mode: the node has no searchMode option yet; filer mode only)',
  );
for (const mode of modes) await runMode(mode);
