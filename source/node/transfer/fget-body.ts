import {Transform, type TransformCallback} from 'node:stream';
import {
  FrameTooLargeError,
  RemoteError,
  TruncatedFrameError,
  UnexpectedReplyError,
} from '../../protocol/errors.js';
import {
  decodeHeader,
  HEADER_SIZE,
  MAX_CONTROL_DATA,
  type FrameHeader,
} from '../../protocol/frame.js';
import {MessageType} from '../../protocol/messages.js';

/**
 * Turns the bytes of an FGET reply into the file body: parses the 8-byte
 * header, passes exactly `length` bytes of a REPL through (never buffering the
 * whole file), and turns an ERRO reply into a RemoteError.
 */
export class FgetBodyStream extends Transform {
  private headerBytes: Buffer[] = [];
  private headerLength = 0;
  private header: FrameHeader | undefined;
  private errorText: Buffer[] = [];
  private remaining = 0;
  private received = 0;

  constructor(
    private readonly peer: string,
    private readonly onHeader: (total: number) => void,
    private readonly onProgress: (received: number) => void,
  ) {
    super();
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: TransformCallback,
  ): void {
    try {
      let rest = chunk;
      if (this.header === undefined) {
        rest = this.readHeader(chunk);
        if (this.header === undefined) return done();
      }
      if (rest.length === 0) return done();
      if (this.header.type === MessageType.error) {
        this.errorText.push(rest.subarray(0, this.remaining));
        this.remaining -= Math.min(rest.length, this.remaining);
        return done();
      }
      const body = rest.subarray(0, this.remaining);
      this.remaining -= body.length;
      this.received += body.length;
      this.onProgress(this.received);
      // Bytes after the frame are ignored: the original sends exactly one.
      done(null, body);
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    const header = this.header;
    if (header === undefined) {
      return done(
        this.headerLength === 0
          ? new UnexpectedReplyError(this.peer, 'connection closed without a reply')
          : new TruncatedFrameError(
              `${this.headerLength} of ${HEADER_SIZE} header bytes`,
            ),
      );
    }
    if (header.type === MessageType.error) {
      return done(
        new RemoteError(this.peer, Buffer.concat(this.errorText).toString('utf8')),
      );
    }
    if (this.remaining > 0) {
      return done(
        new TruncatedFrameError(
          `received ${this.received} of ${header.length} file bytes`,
        ),
      );
    }
    done();
  }

  private readHeader(chunk: Buffer): Buffer {
    const needed = HEADER_SIZE - this.headerLength;
    this.headerBytes.push(chunk.subarray(0, needed));
    this.headerLength += Math.min(needed, chunk.length);
    if (this.headerLength < HEADER_SIZE) return Buffer.alloc(0);
    const header = decodeHeader(Buffer.concat(this.headerBytes));
    if (header.type === MessageType.error) {
      if (header.length > MAX_CONTROL_DATA) {
        throw new FrameTooLargeError(header.length, MAX_CONTROL_DATA);
      }
    } else if (header.type !== MessageType.reply) {
      throw new UnexpectedReplyError(this.peer, `${header.type} frame`);
    } else {
      this.onHeader(header.length);
    }
    this.header = header;
    this.remaining = header.length;
    return chunk.subarray(needed);
  }
}
