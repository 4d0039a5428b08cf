/**
 * What a person can ask of filer-tui, as plain data, and what comes back.
 * The terminal UI maps keys to these commands, headless mode maps input
 * lines to them; a later control socket can carry them as JSON unchanged.
 */
import type {PeerAddress} from '../protocol/messages.js';
import type {
  BrowseListing,
  FileEntry,
  PeerInfo,
  SearchResult,
  SearchSummary,
  TransferInfo,
} from '../node/types.js';

export type AppCommand =
  /** Share a file, or every file under a directory; `~` is the home directory. */
  | {kind: 'add'; path: string}
  /** Stop every share still being added (what was shared stays shared). */
  | {kind: 'cancel-add'}
  /** Ask the network for names containing `key` (searched as typed). */
  | {kind: 'search'; key: string}
  /** A search's own result set and status: `searchId`, else the latest. */
  | {kind: 'results'; searchId?: number}
  /** Download `name` from `owner`, else from each known owner in turn. */
  | {kind: 'fetch'; name: string; owner?: string}
  /**
   * Stop a running transfer: the one with `transferId`, else the one of the
   * file `name`, else the newest.
   */
  | {kind: 'cancel'; transferId?: number; name?: string}
  /** List every file a filer-tui peer shares (BRWS); they join the files. */
  | {kind: 'browse'; peerId: string}
  /** Send QUIT to a neighbour and forget it. */
  | {kind: 'remove'; peerId: string}
  /** Join again through `contact`, 3 hops deep. */
  | {kind: 'rebuild'; contact: PeerAddress}
  /** The command line's start-up: share `shares`, then join through `contact`. */
  | {kind: 'start'; shares: string[]; contact?: PeerAddress; hops: number}
  /** Check now which neighbours are alive. */
  | {kind: 'refresh'}
  /** Leave the network: QUIT to every neighbour, then close. */
  | {kind: 'quit'}
  | {kind: 'peers'}
  | {kind: 'files'}
  | {kind: 'transfers'};

export type CommandKind = AppCommand['kind'];

export type AppSuccess =
  | {ok: true; kind: 'add'; files: FileEntry[]}
  | {ok: true; kind: 'cancel-add'; stopped: number}
  | {ok: true; kind: 'search'; key: string; asked: number; searchId?: number}
  | {ok: true; kind: 'results'; search: SearchSummary; results: SearchResult[]}
  | {ok: true; kind: 'fetch'; transfer: TransferInfo}
  | {ok: true; kind: 'cancel'; transfer: TransferInfo}
  | {ok: true; kind: 'remove'; peerId: string}
  | {ok: true; kind: 'browse'; listing: BrowseListing}
  | {ok: true; kind: 'rebuild'; added: number}
  | {ok: true; kind: 'start'; shared: number; added: number}
  | {ok: true; kind: 'refresh'; checked: number; peers: PeerInfo[]}
  | {ok: true; kind: 'quit'}
  | {ok: true; kind: 'peers'; peers: PeerInfo[]}
  | {ok: true; kind: 'files'; files: FileEntry[]}
  | {ok: true; kind: 'transfers'; transfers: TransferInfo[]};

/** Why a command did not happen: a stable code and one line for a person. */
export type AppFailure = {ok: false; code: string; message: string};

export type AppOutcome = AppSuccess | AppFailure;

/** The outcome of one kind of command. */
export type OutcomeOf<C extends AppCommand> =
  Extract<AppSuccess, {kind: C['kind']}> | AppFailure;

/** Codes of the refusals the app itself decides; node errors keep their own codes. */
export const FailureCode = {
  emptyInput: 'ERR_EMPTY_INPUT',
  badContact: 'ERR_BAD_CONTACT',
  alreadyFetching: 'ERR_ALREADY_FETCHING',
  noTransfer: 'ERR_NO_TRANSFER',
  noSearch: 'ERR_NO_SEARCH',
  transferEnded: 'ERR_TRANSFER_ENDED',
  failed: 'ERR_FAILED',
} as const;

/** Refusals that say the wish is already met or moot: worth a line, not an alarm. */
const NOTICES: ReadonlySet<string> = new Set([
  FailureCode.alreadyFetching,
  FailureCode.noTransfer,
  FailureCode.transferEnded,
]);

export function isNotice(failure: AppFailure): boolean {
  return NOTICES.has(failure.code);
}

export function failure(code: string, message: string): AppFailure {
  return {ok: false, code, message};
}
