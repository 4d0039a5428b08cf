/**
 * The client's side of the control socket: connects only through a private
 * directory to a socket this user owns, checks the node's protocol version,
 * pairs requests with their answers by id and hands pushes to a listener.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {FilerError} from '../protocol/errors.js';
import {checkControlDir} from './control-dir.js';
import {
  CONTROL_PROTOCOL,
  encodeLine,
  LineSplitter,
  type ClientMessage,
  type NodeMessage,
  type NodeStatus,
} from './wire.js';

export class ControlError extends FilerError {}

/** Node → client lines carry snapshots; they are bounded too, if generously. */
const NODE_LINE_LIMIT = 256 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 5_000;

/** A request as the caller writes it; the client adds the id. */
type Request = ClientMessage extends infer M
  ? M extends {id: number}
    ? Omit<M, 'id'>
    : never
  : never;

type Waiter = {resolve: (message: NodeMessage) => void; reject: (error: Error) => void};

export class ControlClient {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private readonly pushListeners = new Set<(message: NodeMessage) => void>();
  private readonly closeListeners = new Set<() => void>();
  private ended = false;

  private constructor(
    private readonly socket: net.Socket,
    /** The node's status when the connection opened. */
    readonly hello: NodeStatus,
  ) {
    socket.on('close', () => this.end());
  }

  /** Connects to the node behind `socketPath`; ControlError with code ERR_NO_NODE when none runs. */
  static async connect(
    socketPath: string,
    timeoutMs = CONNECT_TIMEOUT_MS,
  ): Promise<ControlClient> {
    checkSocketOwner(socketPath);
    const socket = net.connect(socketPath);
    const splitter = new LineSplitter(NODE_LINE_LIMIT);
    let client: ControlClient | undefined;
    return new Promise<ControlClient>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new ControlError(
            'ERR_NO_ANSWER',
            `the node behind ${socketPath} did not answer`,
          ),
        );
      }, timeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
            ? new ControlError('ERR_NO_NODE', `no node is running behind ${socketPath}`)
            : new ControlError(
                'ERR_CONTROL',
                `cannot connect to ${socketPath}: ${error.message}`,
              ),
        );
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (!client)
          reject(
            new ControlError('ERR_NO_NODE', `the node behind ${socketPath} hung up`),
          );
      });
      socket.on('data', (chunk: Buffer) => {
        let lines: string[];
        try {
          lines = splitter.push(chunk);
        } catch (error) {
          socket.destroy(error as Error);
          return;
        }
        for (const line of lines) {
          let message: NodeMessage;
          try {
            message = JSON.parse(line) as NodeMessage;
          } catch {
            socket.destroy();
            return;
          }
          if (client) {
            client.receive(message);
            continue;
          }
          clearTimeout(timer);
          if (message.type !== 'hello' || message.protocol !== CONTROL_PROTOCOL) {
            socket.destroy();
            reject(
              new ControlError(
                'ERR_CONTROL_PROTOCOL',
                `the node speaks another control protocol than this filer-tui (${CONTROL_PROTOCOL}); run the same version`,
              ),
            );
            return;
          }
          socket.removeAllListeners('error');
          socket.on('error', () => socket.destroy());
          client = new ControlClient(socket, message.status);
          resolve(client);
        }
      });
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Sends a request; resolves with its answer, rejects with the node's error or on hang-up. */
  request(request: Request): Promise<NodeMessage> {
    if (this.ended) {
      return Promise.reject(
        new ControlError('ERR_NODE_GONE', 'the node is no longer running'),
      );
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {resolve, reject});
      this.socket.write(encodeLine({...request, id} as ClientMessage));
    });
  }

  onPush(listener: (message: NodeMessage) => void): () => void {
    this.pushListeners.add(listener);
    return () => void this.pushListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    if (this.ended) {
      queueMicrotask(listener);
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => void this.closeListeners.delete(listener);
  }

  /** Closes the connection (for a UI: as if its terminal went away, unless it detached first). */
  close(): void {
    this.socket.end();
    this.socket.destroySoon();
  }

  private receive(message: NodeMessage): void {
    const id = 'id' in message ? message.id : undefined;
    if (id !== undefined) {
      const waiter = this.waiting.get(id);
      if (waiter) {
        this.waiting.delete(id);
        if (message.type === 'error') {
          waiter.reject(new ControlError(message.code, message.message));
        } else waiter.resolve(message);
        return;
      }
    }
    for (const listener of [...this.pushListeners]) listener(message);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const waiter of this.waiting.values()) {
      waiter.reject(new ControlError('ERR_NODE_GONE', 'the node is no longer running'));
    }
    this.waiting.clear();
    for (const listener of [...this.closeListeners]) listener();
  }
}

/** The socket must be this user's, in a directory only this user can enter. */
function checkSocketOwner(socketPath: string): void {
  const dir = path.dirname(socketPath);
  if (!checkControlDir(dir)) {
    throw new ControlError('ERR_NO_NODE', `no node is running (no ${dir})`);
  }
  const stats = fs.lstatSync(socketPath, {throwIfNoEntry: false});
  if (!stats)
    throw new ControlError('ERR_NO_NODE', `no node is running behind ${socketPath}`);
  if (!stats.isSocket())
    throw new ControlError('ERR_CONTROL', `${socketPath} is not a socket`);
  if (stats.uid !== process.getuid?.()) {
    throw new ControlError(
      'ERR_CONTROL',
      `${socketPath} belongs to another user; not connecting`,
    );
  }
}
