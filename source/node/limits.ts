/**
 * Every limit the node puts on what peers can make it do: a name, a default
 * and one log line when it is hit, saying which limit and which peer. Parts
 * take their defaults from LIMIT_DEFAULTS (so the readme and the code cannot
 * disagree) and report with limitHit(), which keeps a flood from flooding
 * the log.
 */
import {peerText} from '../text/terminal-safe.js';
import type {Clock, Log} from './collaborators.js';

export type LimitUnit = 'bytes' | 'ms' | 'count';

export type LimitSpec = {
  readonly value: number;
  readonly unit: LimitUnit;
  /** What is counted, for the readme and the log line. */
  readonly what: string;
};

/**
 * The defaults. Add a limit here (name in kebab-case, grouped by part) and
 * list it in the readme's "Security and limits" table; a test checks both.
 */
export const LIMIT_DEFAULTS = {
  // ---- incoming connections (net/peer-server.ts, net/admission.ts) ----
  'server-connections': {
    value: 512,
    unit: 'count',
    what: 'simultaneous incoming connections',
  },
  'server-connections-per-address': {
    value: 32,
    unit: 'count',
    what: 'simultaneous incoming connections from one IP address',
  },
  'request-deadline': {
    value: 10_000,
    unit: 'ms',
    what: 'time from accept to a complete request frame',
  },
  'request-deadline-under-pressure': {
    value: 2_000,
    unit: 'ms',
    what: 'the same once the server is three quarters full',
  },
  'request-data': {
    value: 64 * 1024,
    unit: 'bytes',
    what: 'data of a request frame (and of every control frame)',
  },
  'reply-stall': {
    value: 30_000,
    unit: 'ms',
    what: 'a reply the client does not read (no byte taken) before it is cut',
  },
  'reply-linger': {
    value: 5_000,
    unit: 'ms',
    what: 'after a reply is sent, time the client has to close before the server does',
  },
  // ---- outgoing requests (net/peer-client.ts, net/outgoing-pool.ts) ----
  'outgoing-connections': {
    value: 64,
    unit: 'count',
    what: 'simultaneous outgoing requests and liveness probes (downloads, which the user starts, are not counted)',
  },
  'outgoing-connections-per-peer': {
    value: 4,
    unit: 'count',
    what: 'simultaneous outgoing connections to one peer address',
  },
  'outgoing-queue': {
    value: 1_024,
    unit: 'count',
    what: 'outgoing requests waiting for a connection slot',
  },
  'outgoing-queue-wait': {
    value: 5_000,
    unit: 'ms',
    what: 'longest wait for a connection slot',
  },
  'connect-timeout': {value: 5_000, unit: 'ms', what: 'TCP connect to a peer'},
  'reply-idle': {
    value: 15_000,
    unit: 'ms',
    what: 'silence while waiting for reply bytes',
  },
  'reply-deadline': {
    value: 30_000,
    unit: 'ms',
    what: 'an outgoing request from sent to its last reply byte, however the reply drips',
  },
  'reply-text-bytes': {
    value: 1_024,
    unit: 'bytes',
    what: 'data of a one-frame text reply (NAME, JOIN, QUIT, SIZE, RESP, a LIST entry)',
  },
  'list-reply-entries': {
    value: 256,
    unit: 'count',
    what: 'peers read from one LIST reply',
  },
  'reply-bytes': {
    value: 64 * 1024 + 1_024,
    unit: 'bytes',
    what: 'data of any other reply frame (a QUER ack echoes the key)',
  },
  // ---- the overlay (overlay/*.ts) ----
  'join-contacts': {
    value: 48,
    unit: 'count',
    what: 'peers asked (NAME, LIST, JOIN) during one join or rebuild',
  },
  'join-walk': {
    value: 6,
    unit: 'count',
    what: 'steps of the random walk (LIST, pick one) that finds each further neighbour',
  },
  'near-links-skipped': {
    value: 4,
    unit: 'count',
    what: 'peers near this node (within 3 hops) passed over in a row before one is linked anyway',
  },
  'handover-attempts': {
    value: 2,
    unit: 'count',
    what: 'neighbours a full node asks (HAND) to make room for one JOIN',
  },
  'handover-timeout': {
    value: 5_000,
    unit: 'ms',
    what: 'a HAND: from sent until the neighbour has linked to the newcomer',
  },
  'top-up-interval': {
    value: 3_000,
    unit: 'ms',
    what: 'between two background looks for more neighbours, while below max-peers',
  },
  'top-up-backoff': {
    value: 16,
    unit: 'count',
    what: 'intervals skipped at most after background looks that found no one',
  },
  // ---- search (search/*.ts, files/file-catalog.ts) ----
  'query-key-bytes': {
    value: 1_024,
    unit: 'bytes',
    what: 'search key of a QUER; a longer one is acknowledged but neither matched nor forwarded',
  },
  'query-ttl': {
    value: 16,
    unit: 'count',
    what: 'ttl a query is forwarded with, whatever it arrived with',
  },
  'query-responses': {
    value: 64,
    unit: 'count',
    what: 'RESPs sent for one query (one per matching local file)',
  },
  'responses-per-return-address': {
    value: 256,
    unit: 'count',
    what: 'RESPs sent to one return address per minute, whoever asks',
  },
  'queries-per-peer': {
    value: 1_200,
    unit: 'count',
    what: 'QUER taken from one IP address per minute (a tenth of it at once); more are acknowledged and dropped',
  },
  'responses-per-peer': {
    value: 6_000,
    unit: 'count',
    what: 'RESP taken from one IP address per minute (a tenth of it at once); more are dropped',
  },
  'query-memory': {
    value: 10_000,
    unit: 'count',
    what: 'queries remembered for duplicate suppression (the oldest is forgotten first)',
  },
  'query-repeat-window': {
    value: 1_000,
    unit: 'ms',
    what: 'after this, a copy of a query with the same ttl is a search repeated by its person, and is answered again',
  },
  'query-table-bytes': {
    value: 32 * 1_024,
    unit: 'bytes',
    what: "a neighbour's query table (QTAB); a larger one is refused and the neighbour gets every query",
  },
  'query-table-age': {
    value: 300_000,
    unit: 'ms',
    what: "a neighbour's query table is trusted this long after it was fetched (asked again before)",
  },
  'query-table-retry': {
    value: 60_000,
    unit: 'ms',
    what: 'after a neighbour gave no query table (an original peer, a failure), it is asked again after this',
  },
  'query-table-requests': {
    value: 600,
    unit: 'count',
    what: 'QTAB and QTAN taken from one IP address per minute (a tenth of it at once); more are closed unanswered',
  },
  'catalog-remote-names': {
    value: 20_000,
    unit: 'count',
    what: 'names learned from RESP in the catalogue; unsolicited ones are evicted first',
  },
  'catalog-unsolicited-names': {
    value: 2_000,
    unit: 'count',
    what: 'names from RESPs that answer none of the recent searches made here (oldest evicted)',
  },
  'search-results': {
    value: 1_000,
    unit: 'count',
    what: 'results one search of yours keeps (the catalogue keeps its own bound)',
  },
  'browse-entries': {
    value: 10_000,
    unit: 'count',
    what: 'files read when browsing one peer (BRWS); the listing says when it was cut',
  },
  'browse-page-bytes': {
    value: 60 * 1_024,
    unit: 'bytes',
    what: 'data of one BRWS reply page',
  },
  'browse-pages-per-peer': {
    value: 600,
    unit: 'count',
    what: 'BRWS pages served to one IP address per minute (a tenth of it at once)',
  },
  'catalog-owners-per-name': {
    value: 64,
    unit: 'count',
    what: 'owners kept for one name',
  },
  // ---- the overlay's owner liveness (overlay/owner-liveness.ts) ----
  'owner-probes': {
    value: 64,
    unit: 'count',
    what: 'owners of listed files probed per liveness round (the others in later rounds)',
  },
  // ---- the local control socket (daemon/control-server.ts): this user's own clients ----
  'control-line': {
    value: 64 * 1024,
    unit: 'bytes',
    what: 'one request line from a control-socket client',
  },
  'control-clients': {
    value: 32,
    unit: 'count',
    what: 'simultaneous control-socket clients (UIs, ctl, events, status)',
  },
  'control-pending': {
    value: 16,
    unit: 'count',
    what: 'commands of one control client running at once',
  },
  'control-backlog': {
    value: 8 * 1024 * 1024,
    unit: 'bytes',
    what: 'output a control client has not read before it is disconnected',
  },
  // ---- transfers (transfer/fetch-file.ts, files/file-sender.ts, files/hash-*.ts) ----
  'fetch-probed-owners': {
    value: 8,
    unit: 'count',
    what: 'owners asked (FINF) at once when a fetch starts; the others serve only as plain FGET fallbacks',
  },
  'large-buffer-sends': {
    value: 8,
    unit: 'count',
    what: 'file sends at once that read ahead into 1 MiB buffers; more use 64 KiB ones, so memory stays flat',
  },
  'zero-copy-transfers': {
    value: 32,
    unit: 'count',
    what: 'file bodies moved at once by the zero-copy addon (Linux; a thread each); more take the JavaScript path',
  },
  'hash-queue': {
    value: 10_000,
    unit: 'count',
    what: 'shared files waiting to be hashed; one more is hashed only when asked for again',
  },
  'hash-cache-entries': {
    value: 100_000,
    unit: 'count',
    what: 'file hashes kept in the persisted hash cache (the oldest is forgotten first)',
  },
  'range-sum-jobs': {
    value: 2,
    unit: 'count',
    what: 'FSUM requests hashed at once (they read the asked range from disk); more are answered "Busy"',
  },
  'repair-chunks': {
    value: 4_096,
    unit: 'count',
    what: 'chunks (4 MiB) where a download that failed its SHA-256 differs from its sources, kept to fetch them again; past that the data is thrown away',
  },
  // ---- shares (files/share-walker.ts) ----
  'share-files': {
    value: 100_000,
    unit: 'count',
    what: 'regular files taken from one directory share',
  },
} as const satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof LIMIT_DEFAULTS;

export function limitDefault(name: LimitName): number {
  return LIMIT_DEFAULTS[name].value;
}

/** A limit's default as people read it: `10 s`, `64 KiB`, `1,024`. */
export function formatLimit({value, unit}: LimitSpec): string {
  if (unit === 'ms') return value % 1_000 === 0 ? `${value / 1_000} s` : `${value} ms`;
  if (unit === 'bytes' && value % 1_024 === 0) return `${value / 1_024} KiB`;
  const count = value.toLocaleString('en-US');
  return unit === 'bytes' ? `${count} bytes` : count;
}

/** One report per limit in this window; the hits in between are counted. */
export const LIMIT_REPORT_INTERVAL_MS = 10_000;

type ReportState = {lastReport: number; suppressed: number};

/**
 * Rate-limited reports of one log: the first hit of a limit is logged at
 * once, later hits at most once per interval with the count of those not
 * logged.
 */
export class LimitReporter {
  private readonly states = new Map<LimitName, ReportState>();

  constructor(
    private readonly log: Log,
    private readonly clock: Clock = Date.now,
    private readonly intervalMs = LIMIT_REPORT_INTERVAL_MS,
  ) {}

  hit(name: LimitName, peer: string, detail: string): void {
    const now = this.clock();
    const state = this.states.get(name);
    if (state && now - state.lastReport < this.intervalMs) {
      state.suppressed++;
      return;
    }
    const more = state && state.suppressed > 0 ? ` (${state.suppressed} more since)` : '';
    this.states.set(name, {lastReport: now, suppressed: 0});
    this.log(
      'warn',
      `limit ${name} hit by ${peerText(peer)}: ${peerText(detail)}${more}`,
    );
  }
}

const reporters = new WeakMap<Log, LimitReporter>();

/**
 * Logs that `peer` hit limit `name` (`detail` says how), at most once per
 * interval per limit and log function.
 */
export function limitHit(log: Log, name: LimitName, peer: string, detail: string): void {
  let reporter = reporters.get(log);
  if (!reporter) {
    reporter = new LimitReporter(log);
    reporters.set(log, reporter);
  }
  reporter.hit(name, peer, detail);
}
