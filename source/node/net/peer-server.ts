/**
 * Incoming connections, one request each: read exactly one frame (bounded in
 * size and time), hand it to the node, then close. Hostile input only ever
 * closes its own connection.
 */
import net from 'node:net';
import {describeError} from '../../protocol/errors.js';
import {
  encodeFrame,
  encodeHeader,
  FrameDecoder,
  MAX_CONTROL_DATA,
  type Frame,
} from '../../protocol/frame.js';
import type {SocketRegistry} from './socket-registry.js';
import {writeToSocket} from './socket-io.js';

export type ServerLimits = {
  /** Time a client has to send its whole request frame. */
  requestTimeoutMs: number;
  /** Longest stall while we write a reply (a reader that stopped reading). */
  replyIdleTimeoutMs: number;
  maxRequestData: number;
  maxConnections: number;
};

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  requestTimeoutMs: 10_000,
  replyIdleTimeoutMs: 30_000,
  maxRequestData: MAX_CONTROL_DATA,
  maxConnections: 256,
};

export class ReplyWriter {
  constructor(private readonly socket: net.Socket) {}

  send(type: string, data: string | Buffer = ''): Promise<void> {
    return writeToSocket(this.socket, encodeFrame(type, data));
  }

  /** A frame whose data is streamed: header from the known length, then the bytes. */
  async sendStream(
    type: string,
    length: number,
    body: AsyncIterable<Buffer> | Iterable<Buffer>,
  ): Promise<void> {
    await writeToSocket(this.socket, encodeHeader(type, length));
    let sent = 0;
    for await (const chunk of body) {
      sent += chunk.length;
      await writeToSocket(this.socket, chunk);
    }
    if (sent !== length)
      throw new Error(`file changed while sending (${sent} of ${length})`);
  }
}

export type IncomingRequest = Frame & {remote: string};
export type RequestHandler = (
  request: IncomingRequest,
  reply: ReplyWriter,
) => Promise<void>;
export type ServerWarning = (message: string) => void;

export class PeerServer {
  private readonly server: net.Server;
  private readonly limits: ServerLimits;

  constructor(
    private readonly handle: RequestHandler,
    private readonly registry: SocketRegistry,
    private readonly warn: ServerWarning,
    limits: Partial<ServerLimits> = {},
  ) {
    this.limits = {...DEFAULT_SERVER_LIMITS, ...limits};
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = this.limits.maxConnections;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({port, host}, () => {
        this.server.off('error', reject);
        this.server.on('error', (error) =>
          this.warn(`server error: ${describeError(error)}`),
        );
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  private accept(socket: net.Socket): void {
    this.registry.track(socket);
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const decoder = new FrameDecoder({maxDataLength: this.limits.maxRequestData});
    socket.on('error', () => socket.destroy());
    // A fixed deadline from accept: a client trickling bytes cannot hold the slot.
    const deadline = setTimeout(() => {
      this.warn(
        `closing ${remote}: no complete request within ${this.limits.requestTimeoutMs} ms`,
      );
      socket.destroy();
    }, this.limits.requestTimeoutMs);
    socket.once('close', () => clearTimeout(deadline));
    const onData = (chunk: Buffer): void => {
      let frame: Frame | undefined;
      try {
        frame = decoder.push(chunk)[0];
      } catch (error) {
        this.warn(`closing ${remote}: ${describeError(error)}`);
        socket.destroy();
        return;
      }
      if (frame === undefined) return;
      socket.off('data', onData);
      socket.pause();
      clearTimeout(deadline);
      socket.setTimeout(this.limits.replyIdleTimeoutMs, () => socket.destroy());
      void this.respond({...frame, remote}, socket);
    };
    socket.on('data', onData);
  }

  private async respond(request: IncomingRequest, socket: net.Socket): Promise<void> {
    try {
      await this.handle(request, new ReplyWriter(socket));
      socket.end();
      socket.resume(); // discard anything more the client sends
    } catch (error) {
      this.warn(`${request.type} from ${request.remote} failed: ${describeError(error)}`);
      socket.destroy();
    }
  }
}
