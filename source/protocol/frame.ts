import {FrameTooLargeError, TruncatedFrameError} from './errors.js';

/** 4 bytes of type, 4 bytes of big-endian length. */
export const HEADER_SIZE = 8;

/**
 * Control messages (everything but a file body) are small text; 64 KiB leaves
 * room for long names while a hostile length never makes us allocate much.
 */
export const MAX_CONTROL_DATA = 64 * 1024;

/** The length field is unsigned 32-bit, so one REPL body holds at most this. */
export const MAX_FRAME_DATA = 0xffffffff;

export type Frame = {
  /** Upper-cased 4-character type, as the original dispatches it. */
  type: string;
  data: Buffer;
};

export type FrameHeader = {type: string; length: number};

export function encodeHeader(type: string, length: number): Buffer {
  if (type.length !== 4 || !/^[\x21-\x7e]{4}$/.test(type)) {
    throw new RangeError(`frame type must be 4 printable ASCII characters: ${type}`);
  }
  if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME_DATA) {
    throw new RangeError(`frame length out of range: ${length}`);
  }
  const header = Buffer.alloc(HEADER_SIZE);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(length, 4);
  return header;
}

export function encodeFrame(type: string, data: string | Buffer = ''): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([encodeHeader(type, body.length), body]);
}

export function decodeHeader(header: Buffer): FrameHeader {
  return {
    type: header.toString('latin1', 0, 4).toUpperCase(),
    length: header.readUInt32BE(4),
  };
}

/**
 * Incremental frame parser: feed it chunks as they arrive, take complete frames.
 * A declared length above `maxDataLength` is rejected as soon as the header is
 * seen, before any of the data is buffered.
 */
export class FrameDecoder {
  readonly maxDataLength: number;
  private buffered: Buffer[] = [];
  private bufferedLength = 0;
  private header: FrameHeader | undefined;

  constructor(options: {maxDataLength?: number} = {}) {
    this.maxDataLength = options.maxDataLength ?? MAX_CONTROL_DATA;
  }

  /** Bytes received that do not yet form a whole frame. */
  get pendingBytes(): number {
    return this.bufferedLength;
  }

  push(chunk: Buffer): Frame[] {
    if (chunk.length > 0) {
      this.buffered.push(chunk);
      this.bufferedLength += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      if (this.header === undefined) {
        if (this.bufferedLength < HEADER_SIZE) break;
        const header = decodeHeader(this.take(HEADER_SIZE));
        if (header.length > this.maxDataLength) {
          throw new FrameTooLargeError(header.length, this.maxDataLength);
        }
        this.header = header;
      }
      if (this.bufferedLength < this.header.length) break;
      frames.push({type: this.header.type, data: this.take(this.header.length)});
      this.header = undefined;
    }
    return frames;
  }

  /** Call at end of input: throws if a frame was left incomplete. */
  end(): void {
    if (this.header !== undefined) {
      throw new TruncatedFrameError(
        `${this.bufferedLength} of ${this.header.length} data bytes of ${this.header.type}`,
      );
    }
    if (this.bufferedLength > 0) {
      throw new TruncatedFrameError(
        `${this.bufferedLength} of ${HEADER_SIZE} header bytes`,
      );
    }
  }

  private take(length: number): Buffer {
    const all =
      this.buffered.length === 1
        ? (this.buffered[0] as Buffer)
        : Buffer.concat(this.buffered, this.bufferedLength);
    const taken = all.subarray(0, length);
    const rest = all.subarray(length);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedLength = rest.length;
    return taken;
  }
}

/**
 * File bodies move in chunks of this size: large enough to keep system calls
 * few, small enough that memory stays flat whatever the file size.
 */
export const FILE_CHUNK_BYTES = 256 * 1024;
