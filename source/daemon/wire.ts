/**
 * The control socket's message format: JSON lines (one object, one `\n`),
 * versioned by the node's first line, bounded in size. Clients send
 * requests with a number `id`; the node answers each with the same `id`,
 * and pushes state, events and status changes without one.
 */
import type {AppCommand, AppOutcome} from '../app/commands.js';
import type {AppEvent, AppSnapshot} from '../app/session.js';
import {FilerError} from '../protocol/errors.js';
import {readCommand} from './command-check.js';

/** Bumped on any change an older peer of the socket would misread. */
export const CONTROL_PROTOCOL = 1;

/** What `filer-tui status` shows of a node, and what a UI needs to know about it. */
export type NodeStatus = {
  pid: number;
  /** `host:port`, as other peers know the node. */
  id: string;
  port: number;
  peers: number;
  maxPeers: number;
  /** Files this node shares. */
  shares: number;
  /** Transfers running now. */
  transfers: number;
  startedAt: number;
  /** The node's clock when the status was taken (uptime = now - startedAt). */
  now: number;
  /** The node stays when its last UI goes without detaching. */
  keepRunning: boolean;
  /** UIs attached now. */
  uis: number;
  logFile?: string;
};

/** Snapshot parts a node pushes when they change; the log travels as events. */
export type StateParts = Partial<
  Pick<AppSnapshot, 'identity' | 'peers' | 'files' | 'transfers' | 'search'>
>;

export type ClientMessage =
  | {type: 'execute'; id: number; command: AppCommand}
  /** Snapshot now and every event after it; `ui` marks a UI whose loss counts as terminal loss. */
  | {type: 'subscribe'; id: number; ui: boolean}
  | {type: 'status'; id: number}
  /** This UI leaves on purpose; the node keeps running. */
  | {type: 'detach'; id: number}
  | {type: 'keep-running'; id: number; on: boolean};

export type NodeMessage =
  | {type: 'hello'; protocol: number; status: NodeStatus}
  | {type: 'outcome'; id: number; outcome: AppOutcome}
  | {type: 'subscribed'; id: number; snapshot: AppSnapshot; status: NodeStatus}
  | {type: 'state'; parts: StateParts}
  | {type: 'event'; event: AppEvent}
  /** With `id`: the answer to status, detach and keep-running; without: a change. */
  | {type: 'status'; id?: number; status: NodeStatus}
  | {type: 'error'; id?: number; code: string; message: string};

export class ControlLineTooLongError extends FilerError {
  constructor(limit: number) {
    super('ERR_CONTROL_LINE_TOO_LONG', `a control message longer than ${limit} bytes`);
  }
}

export class BadControlMessageError extends FilerError {
  constructor(message: string) {
    super('ERR_BAD_CONTROL_MESSAGE', message);
  }
}

export function encodeLine(message: ClientMessage | NodeMessage): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Bytes → lines, holding at most `limit` bytes of a line not yet ended: a
 * longer line is an error at once, before it is buffered.
 */
export class LineSplitter {
  private pieces: Buffer[] = [];
  private held = 0;

  constructor(private readonly limit: number) {}

  /** The lines completed by `chunk`; throws ControlLineTooLongError. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(0x0a, start);
      if (end === -1) break;
      if (this.held + end - start > this.limit)
        throw new ControlLineTooLongError(this.limit);
      this.pieces.push(chunk.subarray(start, end));
      lines.push(Buffer.concat(this.pieces).toString('utf8'));
      this.pieces = [];
      this.held = 0;
      start = end + 1;
    }
    const rest = chunk.length - start;
    if (this.held + rest > this.limit) throw new ControlLineTooLongError(this.limit);
    if (rest > 0) {
      // A copy: the socket's buffer may be reused.
      this.pieces.push(Buffer.from(chunk.subarray(start)));
      this.held += rest;
    }
    return lines;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_ID = 2 ** 48;

/** One line from a client → a request, or BadControlMessageError (with the id when known). */
export function parseClientLine(
  line: string,
):
  | {ok: true; message: ClientMessage}
  | {ok: false; id?: number; error: BadControlMessageError} {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return {
      ok: false,
      error: new BadControlMessageError('a control message that is not JSON'),
    };
  }
  if (!isObject(value)) {
    return {
      ok: false,
      error: new BadControlMessageError('a control message must be an object'),
    };
  }
  const {id, type} = value;
  if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) > MAX_ID) {
    return {
      ok: false,
      error: new BadControlMessageError('a request needs a whole number id'),
    };
  }
  const known = id as number;
  const bad = (message: string) => ({
    ok: false as const,
    id: known,
    error: new BadControlMessageError(message),
  });
  switch (type) {
    case 'execute': {
      const command = readCommand(value.command);
      return command
        ? {ok: true, message: {type, id: known, command}}
        : bad('not a command this node knows');
    }
    case 'subscribe':
      return {ok: true, message: {type, id: known, ui: value.ui === true}};
    case 'status':
    case 'detach':
      return {ok: true, message: {type, id: known}};
    case 'keep-running':
      return typeof value.on === 'boolean'
        ? {ok: true, message: {type, id: known, on: value.on}}
        : bad('keep-running needs on: true or false');
    default:
      return bad('unknown request type');
  }
}
