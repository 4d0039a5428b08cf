/**
 * What each command does to the node: one handler per kind. Every decision
 * a front end used to make (already fetching, which transfer a cancel hits,
 * `~` in a path, ...) is made here, and every error becomes an outcome.
 */
import {describeError, FilerError} from '../protocol/errors.js';
import type {FilerNode} from '../node/filer-node.js';
import type {LogLevel} from '../node/types.js';
import {
  failure,
  FailureCode,
  type AppCommand,
  type CommandKind,
  type OutcomeOf,
} from './commands.js';
import {cancelTarget, runningTransferOf} from './transfer-rules.js';
import {checkCommand, expandHome} from './user-input.js';

type CommandOf<K extends CommandKind> = Extract<AppCommand, {kind: K}>;
type Handler<K extends CommandKind> = (
  command: CommandOf<K>,
) => Promise<OutcomeOf<CommandOf<K>>>;
type Handlers = {[K in CommandKind]: Handler<K>};

export class CommandRunner {
  private quitting = false;

  constructor(
    private readonly node: FilerNode,
    private readonly log: (level: LogLevel, message: string) => void,
  ) {}

  async run<C extends AppCommand>(command: C): Promise<OutcomeOf<C>> {
    const refusal = checkCommand(command);
    if (refusal) return refusal;
    // The table pairs each kind with its handler; the compiler cannot follow C through it.
    const handler = this.handlers[command.kind] as unknown as (
      command: C,
    ) => Promise<OutcomeOf<C>>;
    try {
      return await handler(command);
    } catch (error) {
      const context = failureContext(command);
      const reason = describeError(error);
      return failure(
        error instanceof FilerError ? error.code : FailureCode.failed,
        context ? `${context}: ${reason}` : reason,
      );
    }
  }

  /** Shares being added (a directory walk can take a while); cancel-add stops them. */
  private readonly addsRunning = new Set<AbortController>();

  private async adding<T>(add: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.addsRunning.add(controller);
    try {
      return await add(controller.signal);
    } finally {
      this.addsRunning.delete(controller);
    }
  }

  private readonly handlers: Handlers = {
    add: async ({path}) => {
      const files = await this.adding((signal) =>
        this.node.addShare(expandHome(path.trim()), signal),
      );
      return {ok: true, kind: 'add', files};
    },
    'cancel-add': async () => {
      const stopped = this.addsRunning.size;
      for (const controller of this.addsRunning) controller.abort();
      return {ok: true, kind: 'cancel-add', stopped};
    },
    search: async ({key}) => {
      const started = this.node.search(key);
      // The session exists as soon as the search starts, before any peer answered.
      const searchId = this.node.latestSearch()?.id;
      const asked = await started;
      return {ok: true, kind: 'search', key, asked, ...(searchId ? {searchId} : {})};
    },
    results: async ({searchId}) => {
      const searches = this.node.searches();
      const search =
        searchId === undefined
          ? searches.at(-1)
          : searches.find((candidate) => candidate.id === searchId);
      const results = search && this.node.searchResults(search.id);
      if (!search || !results) {
        return failure(
          FailureCode.noSearch,
          searchId === undefined ? 'no search yet' : `no recent search #${searchId}`,
        );
      }
      return {ok: true, kind: 'results', search, results};
    },
    fetch: async ({name, owner}) => {
      if (runningTransferOf(this.node.transfers(), name)) {
        return failure(FailureCode.alreadyFetching, `already fetching ${name}`);
      }
      // The node logs the start and the end; callers need not wait for it.
      const {transfer} = this.node.startFetch(name, owner);
      return {ok: true, kind: 'fetch', transfer};
    },
    cancel: async (command) => {
      const target = cancelTarget(this.node.transfers(), command);
      if (command.transferId !== undefined && target?.state !== 'running') {
        return failure(
          FailureCode.noTransfer,
          `no running transfer #${command.transferId}`,
        );
      }
      if (!target) return failure(FailureCode.noTransfer, 'no transfer to cancel');
      if (!this.node.cancelTransfer(target.id)) {
        return failure(
          FailureCode.transferEnded,
          `the transfer of ${target.name} already ended`,
        );
      }
      this.log('info', `cancelling the transfer of ${target.name}`);
      return {ok: true, kind: 'cancel', transfer: target};
    },
    browse: async ({peerId}) => {
      this.log('info', `browsing ${peerId}`);
      const listing = await this.node.browse(peerId.trim());
      return {ok: true, kind: 'browse', listing};
    },
    remove: async ({peerId}) => {
      this.log('info', `removing peer ${peerId} (sending QUIT)`);
      await this.node.removePeer(peerId);
      return {ok: true, kind: 'remove', peerId};
    },
    rebuild: async ({contact}) => {
      const text = `${contact.host}:${contact.port}`;
      this.log('info', `rebuild: joining through ${text} (3 hops)`);
      const added = await this.node.rebuild(contact.host, contact.port);
      this.log(
        added > 0 ? 'info' : 'warn',
        `rebuild: ${added} peer(s) added via ${text}`,
      );
      return {ok: true, kind: 'rebuild', added};
    },
    start: async ({shares, contact, hops}) => {
      let shared = 0;
      for (const share of shares) {
        try {
          shared += (
            await this.adding((signal) => this.node.addShare(expandHome(share), signal))
          ).length;
        } catch (error) {
          // Nobody waits at a prompt during start-up: the log is where it is seen.
          this.log('error', describeError(error));
        }
      }
      if (!contact) return {ok: true, kind: 'start', shared, added: 0};
      const text = `${contact.host}:${contact.port}`;
      this.log('info', `joining through ${text} (${hops} hops)`);
      try {
        const added = await this.node.buildPeers(contact.host, contact.port, hops);
        this.log(added > 0 ? 'info' : 'warn', `joined: ${added} peer(s) added`);
        return {ok: true, kind: 'start', shared, added};
      } catch (error) {
        this.log('error', `cannot join through ${text}: ${describeError(error)}`);
        throw error;
      }
    },
    refresh: async () => {
      const checked = this.node.peers().length;
      this.log('info', `refresh: checking ${checked} peer(s)`);
      await this.node.checkPeers();
      const peers = this.node.peers();
      this.log('info', `refresh: ${peers.length} of ${checked} peer(s) alive`);
      return {ok: true, kind: 'refresh', checked, peers};
    },
    quit: async () => {
      if (!this.quitting) {
        this.quitting = true;
        this.log('info', `quitting: sending QUIT to ${this.node.peers().length} peer(s)`);
      }
      await this.node.close();
      return {ok: true, kind: 'quit'};
    },
    peers: async () => ({ok: true, kind: 'peers', peers: this.node.peers()}),
    files: async () => ({ok: true, kind: 'files', files: this.node.files()}),
    transfers: async () => ({
      ok: true,
      kind: 'transfers',
      transfers: this.node.transfers(),
    }),
  };
}

/** What a failed command was trying to do, to start its one line. */
function failureContext(command: AppCommand): string | undefined {
  switch (command.kind) {
    case 'fetch':
      return `cannot fetch ${command.name}`;
    case 'search':
      return `search "${command.key}" failed`;
    case 'remove':
      return `cannot remove ${command.peerId}`;
    case 'browse':
      return `cannot browse ${command.peerId}`;
    case 'rebuild':
      return `rebuild through ${command.contact.host}:${command.contact.port} failed`;
    case 'refresh':
      return 'refresh failed';
    case 'quit':
      return 'close failed';
    default:
      // add: the node's message already names the path it could not share.
      return undefined;
  }
}
