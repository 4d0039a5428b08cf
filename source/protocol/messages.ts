/**
 * The message formats of PROTOCOL.md: frame data text ⇄ typed values.
 * Pure functions; the node decides what the messages mean.
 */
import {MalformedMessageError} from './errors.js';
import {isValidHost, parsePeerId, parsePort} from './peer-id.js';
import {splitFields, stripWhitespace} from './wire-name.js';

export const MessageType = {
  name: 'NAME',
  list: 'LIST',
  join: 'JOIN',
  query: 'QUER',
  response: 'RESP',
  fileGet: 'FGET',
  quit: 'QUIT',
  ping: 'PING',
  reply: 'REPL',
  error: 'ERRO',
  /** filer-tui extension: size of a shared file (see docs/protocol.md). */
  size: 'SIZE',
} as const;

/** The original's exact reply texts. */
export const ReplyText = {
  joinAdded: (peerId: string) => `Join: peer added: ${peerId}`,
  joinTooMany: 'Join: too many peers',
  joinAlreadyInserted: (peerId: string) => `Join: peer already inserted ${peerId}`,
  joinIncorrect: 'Join: incorrect arguments',
  queryAck: (key: string) => `Query ACK: ${key}`,
  queryIncorrect: 'Query: incorrect arguments',
  fileNotFound: 'File not found',
  fileReadError: 'Error reading file',
  quitRemoved: (peerId: string) => `Quit: peer removed: ${peerId}`,
  quitNotFound: (peerId: string) => `Quit: peer not found: ${peerId}`,
} as const;

export type PeerAddress = {host: string; port: number};

export {isValidHost, isValidPeerId, parsePeerId, parsePort} from './peer-id.js';

export function formatPeerId(host: string, port: number): string {
  return `${host}:${port}`;
}

export type JoinRequest = {peerId: string; host: string; port: number};

export function formatJoin({peerId, host, port}: JoinRequest): string {
  return `${peerId} ${host} ${port}`;
}

export function parseJoin(data: string): JoinRequest {
  const fields = splitFields(data);
  const [peerId, host, portText] = fields;
  const port = fields.length === 3 && portText ? parsePort(portText) : undefined;
  if (
    port === undefined ||
    peerId === undefined ||
    host === undefined ||
    parsePeerId(peerId) === undefined ||
    !isValidHost(host)
  ) {
    throw new MalformedMessageError('bad JOIN data', data);
  }
  return {peerId, host, port};
}

/** LIST reply entries have the same three fields as JOIN. */
export const formatListEntry = formatJoin;
export const parseListEntry = parseJoin;

export function parseListCount(data: string): number {
  const text = stripWhitespace(data);
  if (!/^\d{1,9}$/.test(text)) throw new MalformedMessageError('bad LIST count', data);
  return Number(text);
}

export type QueryRequest = {returnPeerId: string; key: string; ttl: number};

export function formatQuery({returnPeerId, key, ttl}: QueryRequest): string {
  return `${returnPeerId} ${key} ${ttl}`;
}

export function parseQuery(data: string): QueryRequest {
  const fields = splitFields(data);
  const [returnPeerId, key, ttlText] = fields;
  if (
    fields.length !== 3 ||
    returnPeerId === undefined ||
    key === undefined ||
    ttlText === undefined ||
    !/^-?\d{1,9}$/.test(ttlText) ||
    parsePeerId(returnPeerId) === undefined
  ) {
    throw new MalformedMessageError('bad QUER data', data);
  }
  return {returnPeerId, key, ttl: Number(ttlText)};
}

export type FileResponse = {wireName: string; ownerPeerId: string};

export function formatResponse({wireName, ownerPeerId}: FileResponse): string {
  return `${wireName} ${ownerPeerId}`;
}

export function parseResponse(data: string): FileResponse {
  const fields = splitFields(data);
  const [wireName, ownerPeerId] = fields;
  if (
    fields.length !== 2 ||
    wireName === undefined ||
    ownerPeerId === undefined ||
    parsePeerId(ownerPeerId) === undefined
  ) {
    throw new MalformedMessageError('bad RESP data', data);
  }
  return {wireName, ownerPeerId};
}

export function parseQuit(data: string): string {
  return stripWhitespace(data);
}
