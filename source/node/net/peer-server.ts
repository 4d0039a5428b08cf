/**
 * Incoming connections, one request each: read exactly one frame (bounded in
 * size and time), hand it to the node, then close. Hostile input only ever
 * closes its own connection, and idle or hoarded connections cannot lock
 * real work out (see admission.ts).
 */
import net from 'node:net';
import {
  describeError,
  FrameTooLargeError,
  isLocalResourceFailure,
} from '../../protocol/errors.js';
import {
  encodeFrame,
  encodeHeader,
  FrameDecoder,
  type Frame,
} from '../../protocol/frame.js';
import type {Log} from '../collaborators.js';
import {limitDefault, limitHit} from '../limits.js';
import {Admission, type Admitted} from './admission.js';
import type {SocketRegistry} from './socket-registry.js';
import {WriteStalledError, writeToSocket} from './socket-io.js';
import {sendFileRegion, type SendOptions} from '../files/file-sender.js';

export type ServerLimits = {
  /** Time a client has to send its whole request frame. */
  requestTimeoutMs: number;
  /** The same once the server is under pressure (three quarters full). */
  pressureRequestTimeoutMs: number;
  /** Longest time a reply waits for the client to read (take any byte). */
  replyStallMs: number;
  /** After the reply: time the client has to close before we do. */
  replyLingerMs: number;
  maxRequestData: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
};

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  requestTimeoutMs: limitDefault('request-deadline'),
  pressureRequestTimeoutMs: limitDefault('request-deadline-under-pressure'),
  replyStallMs: limitDefault('reply-stall'),
  replyLingerMs: limitDefault('reply-linger'),
  maxRequestData: limitDefault('request-data'),
  maxConnections: limitDefault('server-connections'),
  maxConnectionsPerAddress: limitDefault('server-connections-per-address'),
};

export class ReplyWriter {
  constructor(
    private readonly socket: net.Socket,
    private readonly stallMs?: number,
    private readonly onLimit?: SendOptions['onLimit'],
  ) {}

  send(type: string, data: string | Buffer = ''): Promise<void> {
    return writeToSocket(this.socket, encodeFrame(type, data), this.stallMs);
  }

  /** A frame whose data is bytes [start, start + length) of an open file. */
  async sendFileRegion(
    type: string,
    fd: number,
    start: number,
    length: number,
  ): Promise<void> {
    await writeToSocket(this.socket, encodeHeader(type, length), this.stallMs);
    await sendFileRegion(this.socket, fd, start, length, {
      stallMs: this.stallMs,
      onLimit: this.onLimit,
    });
  }
}

export type IncomingRequest = Frame & {remote: string};
export type RequestHandler = (
  request: IncomingRequest,
  reply: ReplyWriter,
) => Promise<void>;

/** `::ffff:127.0.0.1` and `127.0.0.1` are one address for the per-address cap. */
function clientAddress(socket: net.Socket): string {
  const address = socket.remoteAddress ?? '?';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class PeerServer {
  private readonly server: net.Server;
  private readonly limits: ServerLimits;
  private readonly admission: Admission;

  constructor(
    private readonly handle: RequestHandler,
    private readonly registry: SocketRegistry,
    private readonly log: Log,
    limits: Partial<ServerLimits> = {},
  ) {
    this.limits = {...DEFAULT_SERVER_LIMITS, ...limits};
    this.admission = new Admission(
      {
        maxConnections: this.limits.maxConnections,
        maxPerAddress: this.limits.maxConnectionsPerAddress,
        pressureRequestTimeoutMs: this.limits.pressureRequestTimeoutMs,
      },
      log,
    );
    // Admission decides: Node's own cap would refuse before we could evict.
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** Incoming connections held now. */
  get connectionCount(): number {
    return this.admission.size;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({port, host}, () => {
        this.server.off('error', reject);
        this.server.on('error', (error) => this.serverError(error));
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

  /** Accept failures (EMFILE...) are this machine's: reported, rate-limited. */
  private serverError(error: Error): void {
    if (isLocalResourceFailure(error)) {
      limitHit(this.log, 'server-connections', 'this node', describeError(error));
    } else {
      this.log('warn', `server error: ${describeError(error)}`);
    }
  }

  private accept(socket: net.Socket): void {
    this.registry.track(socket);
    socket.on('error', () => socket.destroy());
    const address = clientAddress(socket);
    const admitted = this.admission.admit(socket, address);
    if (!admitted) {
      socket.destroy();
      return;
    }
    socket.once('close', () => this.admission.remove(admitted));
    const remote = `${address}:${socket.remotePort ?? '?'}`;
    const decoder = new FrameDecoder({maxDataLength: this.limits.maxRequestData});
    // A fixed deadline from accept: a client trickling bytes cannot hold the slot.
    const timeoutMs = this.admission.underPressure
      ? this.limits.pressureRequestTimeoutMs
      : this.limits.requestTimeoutMs;
    const deadline = setTimeout(() => {
      limitHit(
        this.log,
        'request-deadline',
        remote,
        `no complete request within ${timeoutMs} ms`,
      );
      socket.destroy();
    }, timeoutMs);
    socket.once('close', () => clearTimeout(deadline));
    const onData = (chunk: Buffer): void => {
      let frame: Frame | undefined;
      try {
        frame = decoder.push(chunk)[0];
      } catch (error) {
        if (error instanceof FrameTooLargeError) {
          limitHit(this.log, 'request-data', remote, describeError(error));
        } else {
          this.log('warn', `closing ${remote}: ${describeError(error)}`);
        }
        socket.destroy();
        return;
      }
      if (frame === undefined) return;
      socket.off('data', onData);
      socket.pause();
      clearTimeout(deadline);
      this.admission.serving(admitted);
      void this.respond({...frame, remote}, socket, admitted);
    };
    socket.on('data', onData);
  }

  private async respond(
    request: IncomingRequest,
    socket: net.Socket,
    admitted: Admitted,
  ): Promise<void> {
    try {
      const reply = new ReplyWriter(socket, this.limits.replyStallMs, (name, detail) =>
        limitHit(this.log, name, request.remote, detail),
      );
      await this.handle(request, reply);
    } catch (error) {
      if (error instanceof WriteStalledError) {
        limitHit(
          this.log,
          'reply-stall',
          request.remote,
          `${request.type}: ${error.message}`,
        );
      } else {
        this.log(
          'warn',
          `${request.type} from ${request.remote} failed: ${describeError(error)}`,
        );
      }
      socket.destroy();
      return;
    }
    socket.resume(); // discard anything more the client sends
    // The last bytes may still wait in our buffer for a client that stopped reading.
    const flush = setTimeout(() => {
      limitHit(
        this.log,
        'reply-stall',
        request.remote,
        `${request.type}: end of reply not taken`,
      );
      socket.destroy();
    }, this.limits.replyStallMs);
    socket.once('close', () => clearTimeout(flush));
    socket.end(() => {
      // All of the reply is with the kernel; the client has a while to close.
      clearTimeout(flush);
      this.admission.finish(admitted);
      const linger = setTimeout(() => socket.destroy(), this.limits.replyLingerMs);
      socket.once('close', () => clearTimeout(linger));
    });
  }
}
