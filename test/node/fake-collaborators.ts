/**
 * Fakes for the narrow collaborators of the node's parts: a scripted network
 * behind `request`, a settable clock, a log that records. No sockets.
 */
import {PeerUnreachableError} from '../../source/protocol/errors.js';
import type {Frame} from '../../source/protocol/frame.js';
import {MessageType, type PeerAddress} from '../../source/protocol/messages.js';
import type {Log, Reply, Request} from '../../source/node/collaborators.js';
import type {LogLevel} from '../../source/node/types.js';

export {seededRandom} from '../support/seeded-random.js';

export type SentRequest = {to: string; type: string; data: string; timeoutMs?: number};
export type ScriptedPeer = (type: string, data: string) => Frame[];

export function reply(text: string): Frame {
  return {type: MessageType.reply, data: Buffer.from(text)};
}

export function error(text: string): Frame {
  return {type: MessageType.error, data: Buffer.from(text)};
}

/** A network of scripted peers; an address with no script is unreachable. */
export class FakeNetwork {
  readonly sent: SentRequest[] = [];
  private readonly peers = new Map<string, ScriptedPeer>();

  set(address: string, peer: ScriptedPeer): void {
    this.peers.set(address, peer);
  }

  remove(address: string): void {
    this.peers.delete(address);
  }

  sentOf(type: string): SentRequest[] {
    return this.sent.filter((request) => request.type === type);
  }

  readonly request: Request = async (address: PeerAddress, type, body = '', options) => {
    const to = `${address.host}:${address.port}`;
    // Bytes are recorded one character per byte, as wire text.
    const data = typeof body === 'string' ? body : body.toString('latin1');
    const timeoutMs = options?.timeoutMs;
    this.sent.push({to, type, data, ...(timeoutMs === undefined ? {} : {timeoutMs})});
    const peer = this.peers.get(to);
    if (!peer) throw new PeerUnreachableError(to);
    return peer(type, data);
  };

  readonly probe = async (address: PeerAddress): Promise<boolean> =>
    this.peers.has(`${address.host}:${address.port}`);
}

export class FakeClock {
  constructor(public now = 1_000_000) {}
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export class RecordingLog {
  readonly lines: Array<{level: LogLevel; message: string}> = [];
  readonly log: Log = (level, message) => void this.lines.push({level, message});
  has(pattern: RegExp): boolean {
    return this.lines.some((line) => pattern.test(line.message));
  }
}

/** Collects the frames a handler replies with. */
export class RecordingReply implements Reply {
  readonly frames: string[] = [];
  async send(type: string, data: string | Buffer = ''): Promise<void> {
    this.frames.push(`${type} ${data.toString()}`);
  }
}
