/**
 * The application over an in-process FilerNode: the AppSession both front
 * ends use today. It runs commands, keeps the app's own log, and re-tells
 * the node's events (and its own log lines) as one stream.
 */
import type {FilerNode} from '../node/filer-node.js';
import type {LogLevel} from '../node/types.js';
import {CommandRunner} from './command-runner.js';
import type {AppCommand, OutcomeOf} from './commands.js';
import {relayNodeEvents} from './node-events.js';
import {LogHistory} from './log-history.js';
import type {AppEvent, AppListener, AppSession, AppSnapshot} from './session.js';
import {SnapshotCache} from './snapshot-cache.js';

export type FilerAppOptions = {
  /** The app log's clock (tests). */
  now?: () => number;
};

export class FilerApp implements AppSession {
  private readonly listeners = new Set<AppListener>();
  private readonly history: LogHistory;
  private readonly runner: CommandRunner;
  private readonly cache: SnapshotCache;
  private readonly now: () => number;

  /** Create it before `node.open()` to see the node's first log lines as events. */
  constructor(node: FilerNode, options: FilerAppOptions = {}) {
    this.now = options.now ?? Date.now;
    this.history = new LogHistory(
      node.recentLog().map((entry) => ({...entry, source: 'node'})),
    );
    this.runner = new CommandRunner(node, (level, message) => this.log(level, message));
    this.cache = new SnapshotCache({
      identity: () => ({
        id: node.id,
        port: node.port,
        maxPeers: node.maxPeers,
        downloadDir: node.downloadDir,
      }),
      peers: () => node.peers(),
      files: () => node.files(),
      transfers: () => node.transfers(),
      search: () => node.latestSearch(),
      log: () => this.history.lines(),
    });
    relayNodeEvents(node, (event) => this.publish(event));
  }

  execute<C extends AppCommand>(command: C): Promise<OutcomeOf<C>> {
    return this.runner.run(command);
  }

  snapshot(): AppSnapshot {
    return this.cache.read();
  }

  subscribe(listener: AppListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The app's own log: what commands did, never written into the node's log. */
  private log(level: LogLevel, message: string): void {
    this.publish({event: 'log', source: 'app', time: this.now(), level, message});
  }

  private publish(event: AppEvent): void {
    if (event.event === 'log') {
      const {event: _name, ...line} = event;
      this.history.push(line);
    }
    this.cache.update(event);
    for (const listener of [...this.listeners]) listener(event);
  }
}
