/**
 * The query-routing extension between filer-tui peers (docs/protocol.md,
 * "Query routing"): QTAB asks a neighbour for its query table (a Bloom
 * filter of the 3-byte substrings of the names it shares), QTAN tells
 * neighbours that this node's table changed, and QFWD is a QUER that also
 * names the neighbour it came from. An original peer closes on all three
 * without a reply; it only ever gets QUER.
 */
import {MalformedMessageError} from './errors.js';
import {parseQuery, type QueryRequest} from './messages.js';
import {parsePeerId} from './peer-id.js';
import {splitFields} from './wire-name.js';

export const QueryTableMessageType = {
  table: 'QTAB',
  tableNotice: 'QTAN',
  forwardedQuery: 'QFWD',
} as const;

/** The table format this node speaks: 3-byte grams, FNV-1a bit indexes. */
export const TABLE_FORMAT = 1;

export type QueryTable = {
  /** Changes whenever the names behind the table change. */
  version: number;
  hashes: number;
  bits: Uint8Array;
};

const VERSION = /^(0|[1-9][0-9]{0,14})$/;
const SMALL = /^[1-9][0-9]{0,5}$/;

/** QTAB data: the asker's own peer id (so the owner knows who has which version), or empty. */
export function formatTableRequest(askerPeerId: string): string {
  return askerPeerId;
}

/** The asker named in QTAB data; undefined when none or not a peer id. */
export function parseTableRequest(data: string): string | undefined {
  const fields = splitFields(data);
  const [asker] = fields;
  return fields.length === 1 && asker !== undefined && parsePeerId(asker)
    ? asker
    : undefined;
}

export function parseVersion(text: string): number {
  if (!VERSION.test(text)) throw new MalformedMessageError('bad table version', text);
  return Number(text);
}

/** The QTAB reply's data: `<format> <version> <hashes> <table-bytes>\n` then the table. */
export function formatTableReply(table: QueryTable): Buffer {
  const header = `${TABLE_FORMAT} ${table.version} ${table.hashes} ${table.bits.length}\n`;
  return Buffer.concat([Buffer.from(header, 'latin1'), table.bits]);
}

export type TableReplyBounds = {maxBytes: number; maxHashes: number};

/**
 * A QTAB reply as it came; throws MalformedMessageError when it is not a
 * table of this format within the bounds (a length that is not a power of
 * two, a count that disagrees with the bytes, a hash count out of range).
 */
export function parseTableReply(data: Buffer, bounds: TableReplyBounds): QueryTable {
  const end = data.indexOf(0x0a);
  if (end < 0 || end > 64) throw new MalformedMessageError('bad QTAB header', '');
  const header = data.subarray(0, end).toString('latin1');
  const fields = header.split(' ');
  const [format, versionText, hashesText, lengthText] = fields;
  if (
    fields.length !== 4 ||
    format === undefined ||
    versionText === undefined ||
    hashesText === undefined ||
    lengthText === undefined
  ) {
    throw new MalformedMessageError('bad QTAB header', header);
  }
  if (format !== String(TABLE_FORMAT)) {
    throw new MalformedMessageError(
      `QTAB format ${format} is not ${TABLE_FORMAT}`,
      header,
    );
  }
  const version = parseVersion(versionText);
  if (!SMALL.test(hashesText) || !SMALL.test(lengthText)) {
    throw new MalformedMessageError('bad QTAB header', header);
  }
  const hashes = Number(hashesText);
  const length = Number(lengthText);
  if (hashes > bounds.maxHashes) {
    throw new MalformedMessageError(`QTAB with ${hashes} hashes`, header);
  }
  if (length > bounds.maxBytes) {
    throw new MalformedMessageError(`QTAB table of ${length} bytes`, header);
  }
  if ((length & (length - 1)) !== 0) {
    throw new MalformedMessageError('QTAB table length is not a power of two', header);
  }
  const bits = data.subarray(end + 1);
  if (bits.length !== length) {
    throw new MalformedMessageError(
      `QTAB table has ${bits.length} bytes, not ${length}`,
      header,
    );
  }
  return {version, hashes, bits: new Uint8Array(bits)};
}

export type TableNotice = {peerId: string; version: number};

/** QTAN data: `<peer-id> <version>`: the sender's table is now at this version. */
export function formatTableNotice({peerId, version}: TableNotice): string {
  return `${peerId} ${version}`;
}

export function parseTableNotice(data: string): TableNotice {
  const fields = splitFields(data);
  const [peerId, versionText] = fields;
  if (
    fields.length !== 2 ||
    peerId === undefined ||
    versionText === undefined ||
    parsePeerId(peerId) === undefined
  ) {
    throw new MalformedMessageError('bad QTAN data', data);
  }
  return {peerId, version: parseVersion(versionText)};
}

/** A query and the neighbour that passed it on (QFWD). */
export type ForwardedQuery = QueryRequest & {fromPeerId: string};

/** QFWD data: QUER's three fields and the sender's peer id. */
export function formatForwardedQuery(query: ForwardedQuery): string {
  return `${query.returnPeerId} ${query.key} ${query.ttl} ${query.fromPeerId}`;
}

/** Wire text in, as parseQuery; the key keeps its bytes. */
export function parseForwardedQuery(data: string): ForwardedQuery {
  const fields = splitFields(data);
  const fromPeerId = fields[3];
  if (fields.length !== 4 || fromPeerId === undefined || !parsePeerId(fromPeerId)) {
    throw new MalformedMessageError('bad QFWD data', data);
  }
  return {...parseQuery(fields.slice(0, 3).join(' ')), fromPeerId};
}
