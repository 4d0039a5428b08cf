/**
 * The node's side of the control socket: serves an AppSession (commands,
 * snapshot, events) to this user's clients, tells them its status, and
 * decides what a lost UI means: when the last attached UI goes without
 * detaching (the terminal closed), the node leaves the network unless it
 * should keep running (asked to, or transfers in progress).
 */
import net from 'node:net';
import type {AppEvent, AppSession} from '../app/session.js';
import type {LogLevel} from '../node/types.js';
import {limitDefault} from '../node/limits.js';
import {describeError} from '../protocol/errors.js';
import {
  ControlConnection,
  DEFAULT_CONNECTION_LIMITS,
  type ConnectionLimits,
} from './control-connection.js';
import {bindControlSocket, type BoundSocket} from './socket-file.js';
import {
  CONTROL_PROTOCOL,
  parseClientLine,
  type ClientMessage,
  type NodeStatus,
} from './wire.js';

export type ControlServerOptions = {
  session: AppSession;
  /** Keep running when the last UI goes without detaching (`--keep-running`). */
  keepRunning?: boolean;
  /** Lines about clients for the app's log (shown in the UIs and the log file). */
  log?: (level: LogLevel, message: string) => void;
  logFile?: string;
  /** Pushes to a client are batched per frame of this length. */
  frameMs?: number;
  maxClients?: number;
  limits?: Partial<ConnectionLimits>;
};

export const CONTROL_FRAME_MS = 25;

export class ControlServer {
  private readonly server: net.Server;
  private readonly connections = new Set<ControlConnection>();
  private readonly startedAt = Date.now();
  private readonly limits: ConnectionLimits;
  private readonly log: (level: LogLevel, message: string) => void;
  private keepRunning: boolean;
  private bound: BoundSocket | undefined;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: ControlServerOptions) {
    this.keepRunning = options.keepRunning ?? false;
    this.limits = {...DEFAULT_CONNECTION_LIMITS, ...options.limits};
    this.log = options.log ?? (() => undefined);
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = options.maxClients ?? limitDefault('control-clients');
    this.server.on('drop', () =>
      this.log('warn', 'limit control-clients hit: a control client was turned away'),
    );
    this.unsubscribe = options.session.subscribe((event) => this.relay(event));
  }

  /** Listens on `socketPath` (a stale socket there is replaced; a live one is an error). */
  async listen(socketPath: string): Promise<void> {
    this.bound = await bindControlSocket(this.server, socketPath);
  }

  /** Clients connected now, of every kind. */
  get clients(): number {
    return this.connections.size;
  }

  get socketPath(): string | undefined {
    return this.bound?.path;
  }

  status(): NodeStatus {
    const snapshot = this.options.session.snapshot();
    let shares = 0;
    for (const file of snapshot.files) if (file.local) shares++;
    return {
      pid: process.pid,
      id: snapshot.identity.id,
      port: snapshot.identity.port,
      peers: snapshot.peers.length,
      maxPeers: snapshot.identity.maxPeers,
      shares,
      transfers: this.runningTransfers(),
      startedAt: this.startedAt,
      now: Date.now(),
      keepRunning: this.keepRunning,
      uis: this.attachedUis(),
      ...(this.options.logFile ? {logFile: this.options.logFile} : {}),
    };
  }

  /** Stops listening, ends every client and removes the socket file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const connection of this.connections) {
      connection.flush();
      // A command still running (the quit that closed the node) answers first.
      if (connection.pending === 0) connection.end();
      else connection.ending = true;
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.bound?.remove();
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const connection = new ControlConnection(
      socket,
      this.limits,
      this.options.frameMs ?? CONTROL_FRAME_MS,
      () => this.options.session.snapshot(),
      (overflowing) => {
        this.log(
          'warn',
          'limit control-backlog hit: a control client did not read its output and was disconnected',
        );
        overflowing.socket.destroy();
      },
    );
    this.connections.add(connection);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.forget(connection));
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk));
    connection.send({type: 'hello', protocol: CONTROL_PROTOCOL, status: this.status()});
  }

  private receive(connection: ControlConnection, chunk: Buffer): void {
    let lines: string[];
    try {
      lines = connection.splitter.push(chunk);
    } catch (error) {
      connection.send({
        type: 'error',
        code: 'ERR_CONTROL_LINE_TOO_LONG',
        message: describeError(error),
      });
      this.log('warn', 'limit control-line hit: a control client sent a line too long');
      connection.socket.end();
      connection.socket.pause();
      return;
    }
    for (const line of lines) {
      if (!connection.open) return;
      const parsed = parseClientLine(line);
      if (parsed.ok) this.handle(connection, parsed.message);
      else {
        connection.send({
          type: 'error',
          ...(parsed.id === undefined ? {} : {id: parsed.id}),
          code: parsed.error.code,
          message: parsed.error.message,
        });
      }
    }
  }

  private handle(connection: ControlConnection, message: ClientMessage): void {
    const {session} = this.options;
    switch (message.type) {
      case 'execute': {
        if (connection.pending >= connection.limits.pending) {
          connection.send({
            type: 'error',
            id: message.id,
            code: 'ERR_CONTROL_BUSY',
            message: `more than ${connection.limits.pending} commands at once`,
          });
          return;
        }
        connection.pending++;
        void session.execute(message.command).then((outcome) => {
          connection.pending--;
          // What the command caused is told before its outcome.
          connection.flush();
          connection.send({type: 'outcome', id: message.id, outcome});
          if (connection.ending && connection.pending === 0) connection.end();
        });
        return;
      }
      case 'subscribe': {
        const snapshot = session.snapshot();
        connection.subscribe(snapshot);
        if (message.ui && !connection.ui) {
          connection.ui = true;
          this.log('info', `a UI attached (${this.attachedUis()} now)`);
        }
        connection.send({
          type: 'subscribed',
          id: message.id,
          snapshot,
          status: this.status(),
        });
        if (message.ui) this.pushStatus();
        return;
      }
      case 'status':
        connection.send({type: 'status', id: message.id, status: this.status()});
        return;
      case 'detach':
        connection.detached = true;
        if (!this.keepRunning) this.keepRunning = true;
        this.log('info', 'a UI detached; the node keeps running in the background');
        connection.send({type: 'status', id: message.id, status: this.status()});
        this.pushStatus();
        return;
      case 'keep-running':
        this.keepRunning = message.on;
        this.log(
          'info',
          message.on
            ? 'keep running: on (the node stays when the terminal closes)'
            : 'keep running: off (the node leaves when the last UI closes, unless transfers run)',
        );
        connection.send({type: 'status', id: message.id, status: this.status()});
        this.pushStatus();
        return;
    }
  }

  private forget(connection: ControlConnection): void {
    connection.close();
    if (!this.connections.delete(connection)) return;
    if (!connection.ui || this.closed) return;
    if (connection.detached) {
      this.pushStatus();
      return;
    }
    this.uiLost();
  }

  /** A UI went without detaching: its terminal closed, or it was killed. */
  private uiLost(): void {
    const others = this.attachedUis();
    if (others > 0) {
      this.log('info', `a UI went away (${others} still attached)`);
      this.pushStatus();
      return;
    }
    if (this.keepRunning) {
      this.log(
        'info',
        'the last UI went away; the node keeps running (keep running is on)',
      );
      return;
    }
    const running = this.runningTransfers();
    if (running > 0) {
      this.keepRunning = true;
      this.log(
        'info',
        `the last UI went away during ${running} transfer(s); the node keeps running in the background`,
      );
      return;
    }
    this.log('info', 'the last UI went away; leaving the network');
    void this.options.session.execute({kind: 'quit'});
  }

  private relay(event: AppEvent): void {
    for (const connection of this.connections) connection.push(event);
    if (event.event === 'closed') void this.close();
  }

  private pushStatus(): void {
    const status = this.status();
    for (const connection of this.connections) {
      if (connection.isSubscribed) connection.send({type: 'status', status});
    }
  }

  private attachedUis(): number {
    let count = 0;
    for (const connection of this.connections) {
      if (connection.ui && !connection.detached) count++;
    }
    return count;
  }

  private runningTransfers(): number {
    return this.options.session
      .snapshot()
      .transfers.filter((transfer) => transfer.state === 'running').length;
  }
}
