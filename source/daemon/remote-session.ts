/**
 * An AppSession over the control socket: the same commands, snapshot and
 * events as FilerApp in-process, so the UI and its stores work unchanged.
 * The snapshot is a local copy, updated from the node's pushes before the
 * events they came with are passed on.
 */
import {failure, type AppCommand, type OutcomeOf} from '../app/commands.js';
import {LOG_HISTORY_LINES} from '../app/log-history.js';
import type {
  AppEvent,
  AppListener,
  AppSession,
  AppSnapshot,
  NodeControl,
} from '../app/session.js';
import {describeError, FilerError} from '../protocol/errors.js';
import {ControlClient} from './control-client.js';
import type {NodeMessage, NodeStatus} from './wire.js';

export type AttachOptions = {
  /** A UI: its loss without detaching counts as the terminal going away. */
  ui: boolean;
};

export class RemoteSession implements AppSession, NodeControl {
  private readonly listeners = new Set<AppListener>();
  private readonly statusListeners = new Set<() => void>();
  private state: AppSnapshot;
  private nodeStatus: NodeStatus;
  /** This side closed the connection: no 'closed' is reported for the node. */
  private leaving = false;

  private constructor(
    private readonly client: ControlClient,
    snapshot: AppSnapshot,
    status: NodeStatus,
  ) {
    this.state = snapshot;
    this.nodeStatus = status;
    client.onPush((message) => this.receive(message));
    client.onClose(() => this.lost());
  }

  /** Connects to the node behind `socketPath` and follows it from its current snapshot. */
  static async attach(
    socketPath: string,
    options: AttachOptions,
  ): Promise<RemoteSession> {
    const client = await ControlClient.connect(socketPath);
    try {
      const answer = await client.request({type: 'subscribe', ui: options.ui});
      if (answer.type !== 'subscribed')
        throw new FilerError('ERR_CONTROL', 'no snapshot');
      return new RemoteSession(client, answer.snapshot, answer.status);
    } catch (error) {
      client.close();
      throw error;
    }
  }

  get control(): NodeControl {
    return this;
  }

  /** The node's status as last told. */
  get status(): NodeStatus {
    return this.nodeStatus;
  }

  async execute<C extends AppCommand>(command: C): Promise<OutcomeOf<C>> {
    try {
      const answer = await this.client.request({type: 'execute', command});
      if (answer.type === 'outcome') return answer.outcome as OutcomeOf<C>;
      return failure('ERR_CONTROL', `unexpected answer ${answer.type}`);
    } catch (error) {
      return failure(
        error instanceof FilerError ? error.code : 'ERR_CONTROL',
        describeError(error),
      );
    }
  }

  snapshot(): AppSnapshot {
    return this.state;
  }

  subscribe(listener: AppListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  keepRunning(): boolean {
    return this.nodeStatus.keepRunning;
  }

  async setKeepRunning(on: boolean): Promise<void> {
    await this.statusRequest(this.client.request({type: 'keep-running', on}));
  }

  wouldKeepRunning(): boolean {
    const status = this.nodeStatus;
    const running = this.state.transfers.some((transfer) => transfer.state === 'running');
    return status.keepRunning || running || status.uis > 1;
  }

  async detach(): Promise<void> {
    await this.statusRequest(this.client.request({type: 'detach'}));
    this.close();
  }

  /** Closes the connection; for a UI that did not detach, as if its terminal went away. */
  close(): void {
    this.leaving = true;
    this.client.close();
  }

  private async statusRequest(request: Promise<NodeMessage>): Promise<void> {
    const answer = await request;
    if (answer.type === 'status') this.setStatus(answer.status);
  }

  private receive(message: NodeMessage): void {
    switch (message.type) {
      case 'state':
        this.state = {...this.state, ...message.parts};
        return;
      case 'event':
        this.apply(message.event);
        return;
      case 'status':
        this.setStatus(message.status);
        return;
      default:
        return;
    }
  }

  private apply(event: AppEvent): void {
    if (event.event === 'log') {
      const {event: _name, ...line} = event;
      this.state = {
        ...this.state,
        log: [...this.state.log, line].slice(-LOG_HISTORY_LINES),
      };
    } else if (event.event === 'closed') {
      if (this.state.closed) return;
      this.state = {...this.state, closed: true};
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  onChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => void this.statusListeners.delete(listener);
  }

  private setStatus(status: NodeStatus): void {
    this.nodeStatus = status;
    for (const listener of [...this.statusListeners]) listener();
  }

  /** The connection ended: for the front end, the node is gone. */
  private lost(): void {
    if (!this.leaving) this.apply({event: 'closed'});
  }
}
