/**
 * The receiving end of a file body at the speed of the disk: the socket reads
 * straight into a few reused large batch buffers (`onread`), and each full
 * batch is written with one positioned write while the next one fills. No
 * stream machinery and no allocation per chunk; when every batch is waiting
 * on the disk, the socket stops reading (back-pressure to the sender).
 *
 * Where the zero-copy addon is built and nothing needs to see the bytes (no
 * hashing), the rest of a large body after its first read goes straight from
 * the socket to the file instead (zero-copy-handover.ts).
 *
 * One reply frame is expected: REPL with the body, or ERRO with a reason.
 * Bytes after the body, a stall, a cut or a failed write end it with one line.
 */
import type {Socket} from 'node:net';
import {
  FrameTooLargeError,
  PeerTimeoutError,
  RemoteError,
  TransferCancelledError,
  TruncatedFrameError,
  UnexpectedReplyError,
} from '../../protocol/errors.js';
import {HEADER_SIZE, MAX_CONTROL_DATA, decodeHeader} from '../../protocol/frame.js';
import {MessageType} from '../../protocol/messages.js';
import {addressText, connectToPeer} from '../net/peer-client.js';
import {batchesPerReceiver, giveBackBatches, takeBatches} from './receive-batches.js';
import {DiskStallError, DiskWriteError, ExtraBytesError} from './transfer-errors.js';
import type {ReceiveRequest} from './receive-request.js';
import {writeAtPosition} from './write-at.js';
import {receiveRestZeroCopy, wantsZeroCopy} from './zero-copy-handover.js';

/** Where reads land when no batch may take them (header, after a pause, after the end). */
const SPARE_BYTES = 64 * 1024;

/** After the last body byte, how long the source has to close before we do. */
const CLOSE_GRACE_MS = 500;

/** Sends the request and writes the reply body into the file; resolves with its length. */
export async function receiveBody(request: ReceiveRequest): Promise<number> {
  const receiver = new BodyReceiver(request);
  const socket = await connectToPeer(request.address, {
    timeoutMs: request.connectTimeoutMs,
    registry: request.registry,
    signal: request.signal,
    onread: {
      buffer: () => receiver.nextReadBuffer(),
      callback: (nread, buffer) => receiver.onRead(nread, buffer),
    },
  });
  return receiver.run(socket);
}

type Batch = {buffer: Buffer; fill: number};

class BodyReceiver {
  private readonly peer: string;
  private readonly spare = Buffer.allocUnsafe(SPARE_BYTES);
  private readonly free: Batch[] = [];
  private current: Batch | undefined;
  private socket: Socket | undefined;
  private readonly header = Buffer.alloc(HEADER_SIZE);
  private headerFill = 0;
  private type: string | undefined;
  private errorText: Buffer[] = [];
  /** Body bytes still to come. */
  private remaining = 0;
  private length = 0;
  private received = 0;
  /** File position of the next batch to write. */
  private filePosition: number;
  private writesInFlight = 0;
  /** Writes in file order, so the written prefix is known however they finish. */
  private readonly pendingWrites: Array<{end: number; finished: boolean}> = [];
  private pausedForDisk = false;
  /** The rest of the body goes to the zero-copy addon: wanted once the header is in, then running. */
  private handover: 'no' | 'wanted' | 'running' = 'no';
  private ended = false;
  private failure: Error | undefined;
  private settle: (() => void) | undefined;

  constructor(private readonly request: ReceiveRequest) {
    this.peer = addressText(request.address);
    this.filePosition = request.position;
    for (const buffer of takeBatches(request.batches ?? batchesPerReceiver(1))) {
      this.free.push({buffer, fill: 0});
    }
  }

  /** Where the next socket read lands: straight into the batch when it may. */
  nextReadBuffer(): Buffer {
    const batch = this.current;
    if (this.type !== MessageType.reply || this.remaining === 0 || !batch) {
      return this.spare;
    }
    const room = Math.min(batch.buffer.length - batch.fill, this.remaining);
    return batch.buffer.subarray(batch.fill, batch.fill + room);
  }

  /** Returns false to stop the socket reading until a batch is free again. */
  onRead(nread: number, buffer: Uint8Array): boolean {
    if (this.failure) return false;
    try {
      if (buffer.buffer !== this.current?.buffer.buffer) {
        this.consumeCopied(Buffer.from(buffer.buffer, buffer.byteOffset, nread));
      } else {
        this.bodyArrived(nread);
      }
    } catch (error) {
      this.fail(error as Error);
      return false;
    }
    if (this.handover === 'wanted') {
      // Stop reading now (returning false); the addon reads the socket from here on.
      this.handover = 'running';
      queueMicrotask(() => this.handOver());
      return false;
    }
    if (this.type === MessageType.reply && this.remaining > 0 && !this.current) {
      this.pausedForDisk = true;
      return false;
    }
    return true;
  }

  async run(socket: Socket): Promise<number> {
    this.socket = socket;
    const {request} = this;
    const onAbort = (): void => this.fail(new TransferCancelledError());
    request.signal?.addEventListener('abort', onAbort, {once: true});
    socket.setTimeout(request.idleTimeoutMs, () =>
      this.fail(
        this.pausedForDisk
          ? new DiskStallError(request.fileLabel, request.idleTimeoutMs)
          : new PeerTimeoutError(this.peer, 'sending the file'),
      ),
    );
    socket.on('error', (error) => this.fail(error));
    socket.on('end', () => this.sourceClosed());
    socket.on('close', () => this.sourceClosed());
    this.current = this.free.pop();
    socket.write(request.request);
    try {
      await new Promise<void>((resolve) => {
        this.settle = resolve;
        this.check();
      });
      if (this.failure) throw this.failure;
      return this.length;
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      // No write may still touch the file once the caller removes or renames it.
      await this.drained();
      this.returnBatches();
    }
  }

  private consumeCopied(bytes: Buffer): void {
    let rest = bytes;
    if (this.type === undefined) {
      const taken = Math.min(HEADER_SIZE - this.headerFill, rest.length);
      rest.copy(this.header, this.headerFill, 0, taken);
      this.headerFill += taken;
      rest = rest.subarray(taken);
      if (this.headerFill < HEADER_SIZE) return;
      this.headerComplete();
    }
    if (this.type === MessageType.error) {
      this.errorText.push(Buffer.from(rest.subarray(0, this.remaining)));
      const taken = Math.min(rest.length, this.remaining);
      this.remaining -= taken;
      rest = rest.subarray(taken);
    }
    while (rest.length > 0) {
      const batch = this.current;
      if (this.remaining === 0) throw new ExtraBytesError(this.peer);
      // The spare holds less than one batch, and reads resume only with an empty one.
      if (!batch) throw new Error('no batch for received bytes');
      const room = Math.min(batch.buffer.length - batch.fill, this.remaining);
      const taken = rest.copy(batch.buffer, batch.fill, 0, room);
      rest = rest.subarray(taken);
      this.bodyArrived(taken);
    }
    this.check();
  }

  private headerComplete(): void {
    const header = decodeHeader(this.header);
    this.type = header.type;
    this.remaining = header.length;
    if (header.type === MessageType.error) {
      if (header.length > MAX_CONTROL_DATA) {
        throw new FrameTooLargeError(header.length, MAX_CONTROL_DATA);
      }
      return;
    }
    if (header.type !== MessageType.reply) {
      throw new UnexpectedReplyError(this.peer, `${header.type} frame`);
    }
    const expected = this.request.expectedLength;
    if (expected !== undefined && header.length !== expected) {
      throw new UnexpectedReplyError(
        this.peer,
        `${header.length} bytes where ${expected} were asked for`,
      );
    }
    this.length = header.length;
    if (wantsZeroCopy(this.request, header.length)) this.handover = 'wanted';
    this.request.onHeader?.(header.length);
  }

  /** The rest of the body, straight from the socket to the file (splice). */
  private handOver(): void {
    const {socket, request} = this;
    if (this.failure || !socket) return;
    const batch = this.current;
    this.current = undefined;
    // Bytes already here (they came with the header) are written as usual.
    if (batch && batch.fill > 0) this.writeBatch(batch);
    else if (batch) this.free.push(batch);
    const position = this.filePosition;
    const before = this.received;
    const rest = receiveRestZeroCopy({
      socket,
      fd: request.fd,
      position,
      length: this.remaining,
      idleTimeoutMs: request.idleTimeoutMs,
      peer: this.peer,
      fileLabel: request.fileLabel,
      onProgress: (moved) => request.onProgress?.(before + moved),
    });
    if (!rest) {
      this.handover = 'no';
      this.current = this.free.pop();
      socket.resume();
      return;
    }
    this.writesInFlight++;
    const pending = {end: position + this.remaining - request.position, finished: false};
    this.pendingWrites.push(pending);
    void rest.then(({moved, error, peerClosed}) => {
      this.handover = 'no';
      this.remaining -= moved;
      this.received += moved;
      this.filePosition = position + moved;
      pending.end = this.filePosition - request.position;
      this.writeFinished(pending);
      request.onProgress?.(this.received);
      this.writesInFlight--;
      if (this.writesInFlight === 0) this.whenDrained?.();
      if (error) this.fail(error);
      else if (peerClosed) this.sourceClosed();
      else socket.resume(); // bytes after the body, or the close, come as before
      this.check();
    });
  }

  /** `count` body bytes landed in the current batch. */
  private bodyArrived(count: number): void {
    const batch = this.current;
    if (!batch) throw new Error('no batch for received bytes');
    batch.fill += count;
    this.remaining -= count;
    this.received += count;
    this.request.onProgress?.(this.received);
    if (batch.fill === batch.buffer.length || this.remaining === 0) {
      this.writeBatch(batch);
      this.current = this.remaining === 0 ? undefined : this.free.pop();
    }
    this.check();
  }

  private writeBatch(batch: Batch): void {
    const {request} = this;
    const position = this.filePosition;
    const length = batch.fill;
    this.filePosition += length;
    this.writesInFlight++;
    const pending = {end: this.filePosition - request.position, finished: false};
    this.pendingWrites.push(pending);
    const write = (request.writeAt ?? writeAtPosition)(
      request.fd,
      batch.buffer,
      length,
      position,
    ).then(
      () => this.writeFinished(pending),
      (error: unknown) => this.fail(new DiskWriteError(request.fileLabel, error)),
    );
    // At once, in file order (batches are written in file order): a hasher
    // gets the batch before its write lands, so it never has to read it back.
    const seen = request.onBatch
      ? new Promise<void>((resolve) =>
          resolve(request.onBatch?.(batch.buffer, length, position)),
        )
      : undefined;
    void Promise.all([
      write,
      seen?.catch((error: unknown) => this.fail(error as Error)),
    ]).then(() => this.batchDone(batch));
  }

  private writeFinished(pending: {end: number; finished: boolean}): void {
    pending.finished = true;
    let durable: number | undefined;
    while (this.pendingWrites[0]?.finished) durable = this.pendingWrites.shift()?.end;
    if (durable !== undefined) this.request.onDurable?.(durable);
  }

  private batchDone(batch: Batch): void {
    this.writesInFlight--;
    batch.fill = 0;
    if (this.writesInFlight === 0) this.whenDrained?.();
    if (this.failure) {
      this.free.push(batch);
    } else if (!this.current && this.remaining > 0 && this.handover !== 'running') {
      this.current = batch;
      if (this.pausedForDisk) {
        this.pausedForDisk = false;
        this.socket?.resume();
      }
    } else {
      this.free.push(batch);
    }
    this.check();
  }

  private sourceClosed(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.type === undefined) {
      this.fail(
        this.headerFill === 0
          ? new UnexpectedReplyError(this.peer, 'connection closed without a reply')
          : new TruncatedFrameError(`${this.headerFill} of ${HEADER_SIZE} header bytes`),
      );
    } else if (this.type === MessageType.error && this.remaining === 0) {
      this.fail(
        new RemoteError(this.peer, Buffer.concat(this.errorText).toString('utf8')),
      );
    } else if (this.remaining > 0) {
      this.fail(
        new TruncatedFrameError(`received ${this.received} of ${this.length} file bytes`),
      );
    }
    this.check();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.socket?.destroy();
    this.check();
  }

  private graceTimer: NodeJS.Timeout | undefined;

  /** Settles once failed, or once every byte is on disk and the source is done. */
  private check(): void {
    if (!this.settle) return;
    if (this.failure) return this.finish();
    const bodyDone = this.type === MessageType.reply && this.remaining === 0;
    if (!bodyDone || this.writesInFlight > 0) return;
    if (this.ended) return this.finish();
    // The original closes right after the body; a source that neither closes
    // nor sends more within the grace is done with too.
    this.graceTimer ??= setTimeout(() => this.finish(), CLOSE_GRACE_MS);
  }

  private finish(): void {
    clearTimeout(this.graceTimer);
    const settle = this.settle;
    this.settle = undefined;
    settle?.();
  }

  /** Once no write holds them: the socket is destroyed and every write settled. */
  private returnBatches(): void {
    const batches = [...this.free, ...(this.current ? [this.current] : [])];
    this.free.length = 0;
    this.current = undefined;
    giveBackBatches(batches.map((batch) => batch.buffer));
  }

  private whenDrained: (() => void) | undefined;

  private drained(): Promise<void> {
    if (this.writesInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => (this.whenDrained = resolve));
  }
}
