/**
 * The transfer extensions between filer-tui peers (docs/protocol.md,
 * "Transfer extensions"): FINF asks for a shared file's size and SHA-256,
 * FRNG for a range of its bytes. Sizes and offsets are decimal text, so they
 * are 64-bit on the wire whatever the frame length field can say; a range
 * reply is one ordinary REPL frame, so one range is at most 4 GiB - 1.
 * Pure functions; an original peer closes on these types (the signal to fall
 * back to FGET).
 */
import {MalformedMessageError} from './errors.js';
import {MAX_FRAME_DATA} from './frame.js';

export const TransferMessageType = {
  fileInfo: 'FINF',
  fileRange: 'FRNG',
  rangeSums: 'FSUM',
} as const;

/** Chunks one FSUM may ask for: its reply stays one small frame (~16 KiB). */
export const MAX_SUM_CHUNKS = 256;

/** Sizes and offsets beyond this are not exact in a JS number: refused. */
export const MAX_FILE_SIZE = Number.MAX_SAFE_INTEGER;

export type FileInfo = {size: number; sha256?: string};

export type RangeRequest = {offset: number; length: number; wireName: string};

/** The name's exact bytes follow the numbers (a name need not be UTF-8). */
export type RangeAsk = {offset: number; length: number; wireName: Buffer};

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

function parseSize(text: string | undefined, what: string, data: string): number {
  const value = text !== undefined && DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new MalformedMessageError(`bad ${what}`, data);
  return value;
}

/** FINF reply data: `<size> <sha256 hex>`, or `<size> -` while not hashed yet. */
export function formatFileInfo({size, sha256}: FileInfo): string {
  return `${size} ${sha256 ?? '-'}`;
}

export function parseFileInfo(data: string): FileInfo {
  const [sizeText, hash, ...rest] = data.split(' ');
  if (rest.length > 0 || hash === undefined) {
    throw new MalformedMessageError('bad FINF reply', data);
  }
  const size = parseSize(sizeText, 'FINF size', data);
  if (hash === '-') return {size};
  if (!SHA256_HEX.test(hash)) throw new MalformedMessageError('bad FINF hash', data);
  return {size, sha256: hash};
}

/** FRNG request data: `<offset> <length> <wire name>` (the name may hold spaces). */
export function formatRangeRequest({offset, length, wireName}: RangeAsk): Buffer {
  return Buffer.concat([Buffer.from(`${offset} ${length} `, 'latin1'), wireName]);
}

export function parseRangeRequest(data: string): RangeRequest {
  const match = /^(\S+) (\S+) (.+)$/s.exec(data);
  if (!match) throw new MalformedMessageError('bad FRNG request', data);
  const offset = parseSize(match[1], 'FRNG offset', data);
  const length = parseSize(match[2], 'FRNG length', data);
  if (length > MAX_FRAME_DATA) {
    throw new MalformedMessageError('FRNG length over one frame', data);
  }
  return {offset, length, wireName: match[3] as string};
}

export type SumsAsk = {offset: number; length: number; chunk: number; wireName: Buffer};
export type SumsRequest = {
  offset: number;
  length: number;
  chunk: number;
  wireName: string;
};

/** FSUM request data: `<offset> <length> <chunk> <wire name>`. */
export function formatSumsRequest({offset, length, chunk, wireName}: SumsAsk): Buffer {
  return Buffer.concat([
    Buffer.from(`${offset} ${length} ${chunk} `, 'latin1'),
    wireName,
  ]);
}

/** How many chunks of `chunk` bytes cover `length` bytes (the last may be short). */
export function sumCount(length: number, chunk: number): number {
  return Math.ceil(length / chunk);
}

export function parseSumsRequest(data: string): SumsRequest {
  const match = /^(\S+) (\S+) (\S+) (.+)$/s.exec(data);
  if (!match) throw new MalformedMessageError('bad FSUM request', data);
  const offset = parseSize(match[1], 'FSUM offset', data);
  const length = parseSize(match[2], 'FSUM length', data);
  const chunk = parseSize(match[3], 'FSUM chunk', data);
  if (length < 1 || chunk < 1 || offset + length > MAX_FILE_SIZE) {
    throw new MalformedMessageError('FSUM range or chunk out of bounds', data);
  }
  if (sumCount(length, chunk) > MAX_SUM_CHUNKS) {
    throw new MalformedMessageError(`FSUM over ${MAX_SUM_CHUNKS} chunks`, data);
  }
  return {offset, length, chunk, wireName: match[4] as string};
}

/** FSUM reply data: the chunks' SHA-256s in order, one space between. */
export function formatSums(hashes: readonly string[]): string {
  return hashes.join(' ');
}

export function parseSums(data: string, expected: number): string[] {
  const hashes = data.split(' ');
  if (hashes.length !== expected || !hashes.every((hash) => SHA256_HEX.test(hash))) {
    throw new MalformedMessageError(`bad FSUM reply (wanted ${expected} hashes)`, data);
  }
  return hashes;
}
