/**
 * A deliberately dumb client for byte-exact protocol tests. Frames are built by
 * hand here (not with the project's encodeFrame), so a bug in the framing code
 * cannot hide itself in both the request and the expectation.
 */
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';
const DEFAULT_REPLY_TIMEOUT_MS = 5_000;

/** 4 type bytes, then the length as an unsigned 32-bit big-endian number. */
export function rawHeader(type: string, length: number): Buffer {
  const typeBytes = Buffer.from(type, 'latin1');
  if (typeBytes.length !== 4) throw new RangeError(`type must be 4 bytes: ${type}`);
  const lengthBytes = Buffer.alloc(4);
  lengthBytes[0] = Math.floor(length / 0x1000000) & 0xff;
  lengthBytes[1] = (length >>> 16) & 0xff;
  lengthBytes[2] = (length >>> 8) & 0xff;
  lengthBytes[3] = length & 0xff;
  return Buffer.concat([typeBytes, lengthBytes]);
}

/** A whole frame; string data is sent as UTF-8. */
export function rawFrame(type: string, data: string | Buffer = ''): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([rawHeader(type, body.length), body]);
}

/** Frames as readable text for assertion messages: `REPL[13] "10.0.0.1:9000"`. */
export function describeBytes(bytes: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    const type = bytes.toString('latin1', offset, offset + 4);
    const length = bytes.readUInt32BE(offset + 4);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    parts.push(`${type}[${length}] ${JSON.stringify(data.toString('utf8'))}`);
    offset += 8 + length;
  }
  if (offset < bytes.length) {
    parts.push(`+${bytes.length - offset} stray byte(s)`);
  }
  return parts.length === 0 ? '(no bytes)' : parts.join(', ');
}

/**
 * One TCP connection to a peer. `reply` resolves with every byte received once
 * the server closes cleanly (EOF), and rejects on a reset or when no EOF came
 * within the timeout. `closed` settles on any kind of close.
 */
export class RawConnection {
  readonly reply: Promise<Buffer>;
  readonly closed: Promise<void>;
  private readonly chunks: Buffer[] = [];
  private isClosed = false;

  private constructor(
    private readonly socket: net.Socket,
    timeoutMs: number,
  ) {
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
    this.reply = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`server did not close the connection within ${timeoutMs} ms`));
        socket.destroy();
      }, timeoutMs);
      socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      socket.once('end', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(this.chunks));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new Error('connection closed without EOF'));
      });
    });
    // Tests that only watch `closed` must not see an unhandled rejection.
    this.reply.catch(() => undefined);
  }

  static open(
    port: number,
    options: {host?: string; timeoutMs?: number} = {},
  ): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({host: options.host ?? LOOPBACK, port});
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket, options.timeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS));
      });
    });
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** Bytes received so far. */
  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Half-close: the server sees EOF from us. */
  endWrite(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Sends the bytes on a new connection (without half-closing, as the original
 * client does) and returns everything the server sent before it closed.
 */
export async function rawRequest(
  port: number,
  request: Buffer,
  options: {timeoutMs?: number} = {},
): Promise<Buffer> {
  const connection = await RawConnection.open(port, options);
  try {
    await connection.write(request);
    return await connection.reply;
  } finally {
    connection.destroy();
  }
}

/** Tells the node on `port` that `owner` has `name`, as a RESP to a search would. */
export async function announce(port: number, name: string, owner: string): Promise<void> {
  const connection = await RawConnection.open(port);
  try {
    await connection.write(rawFrame('RESP', `${name} ${owner}`));
    connection.endWrite();
    await connection.closed;
  } finally {
    connection.destroy();
  }
}
