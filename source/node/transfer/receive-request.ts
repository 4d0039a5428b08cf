/** What a receiver of one reply body is asked to do, and whom it tells (reply-receiver.ts). */
import type {PeerAddress} from '../../protocol/messages.js';
import type {SocketRegistry} from '../net/socket-registry.js';
import type {WriteAt} from './write-at.js';

export type ReceiveRequest = {
  address: PeerAddress;
  /** The whole request frame to send. */
  request: Buffer;
  /** The part file, and where in it the body's first byte goes. */
  fd: number;
  position: number;
  /** Shown in errors about the disk. */
  fileLabel: string;
  /** When the body length is known in advance (a range), a different one fails. */
  expectedLength?: number;
  /** 1 MiB batches to receive into (batchesPerReceiver); the one receiver of a fetch by default. */
  batches?: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  registry?: SocketRegistry;
  signal?: AbortSignal;
  writeAt?: WriteAt;
  onHeader?: (length: number) => void;
  /** Bytes of the body received so far (they are written in batches). */
  onProgress?: (written: number) => void;
  /** The body bytes from its start that are written to the file (grows in batches). */
  onDurable?: (bytes: number) => void;
  /** Sees every batch in file order, as its write starts; it is reused once the promise settles (hashing). */
  onBatch?: (batch: Buffer, length: number, position: number) => Promise<void> | void;
};
