/** An AppSession in memory: a state the test sets, events it sends, commands it records. */
import type {AppCommand, AppOutcome, OutcomeOf} from '../../source/app/commands.js';
import type {
  AppEvent,
  AppListener,
  AppSession,
  AppSnapshot,
} from '../../source/app/session.js';

export const EMPTY_SNAPSHOT: AppSnapshot = {
  identity: {id: '127.0.0.1:9000', port: 9000, maxPeers: 5, downloadDir: '/tmp'},
  peers: [],
  files: [],
  transfers: [],
  log: [],
  closed: false,
};

export class FakeSession implements AppSession {
  readonly commands: AppCommand[] = [];
  /** What `execute` answers; by default every command fails. */
  answer: (command: AppCommand) => AppOutcome = () => ({
    ok: false,
    code: 'ERR_FAKE',
    message: 'not scripted',
  });
  private state: AppSnapshot;
  private readonly listeners = new Set<AppListener>();

  constructor(state: Partial<AppSnapshot> = {}) {
    this.state = {...EMPTY_SNAPSHOT, ...state};
  }

  async execute<C extends AppCommand>(command: C): Promise<OutcomeOf<C>> {
    this.commands.push(command);
    return this.answer(command) as OutcomeOf<C>;
  }

  snapshot(): AppSnapshot {
    return this.state;
  }

  subscribe(listener: AppListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Changes the state (the parts given get new identities), then sends `event`. */
  emit(event: AppEvent, change: Partial<AppSnapshot> = {}): void {
    this.state = {...this.state, ...change};
    for (const listener of [...this.listeners]) listener(event);
  }
}
