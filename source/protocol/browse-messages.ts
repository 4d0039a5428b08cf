/**
 * The browse extension between filer-tui peers (docs/protocol.md, "Browse"):
 * BRWS asks a peer for the files it shares, a page at a time. The request
 * data is the offset (decimal); the reply is one REPL frame whose data is a
 * header line `<total> <offset> <count>` and then `count` lines
 * `<size> <wire-name>`, each ended by LF. Wire names hold no ASCII
 * whitespace, so a line splits in two at its first space. Data is wire text
 * (one character per byte): names keep their exact bytes. An original peer
 * closes on BRWS without a reply.
 */
import {MalformedMessageError} from './errors.js';
import {hasWhitespace} from './wire-name.js';

export const BrowseMessageType = {browse: 'BRWS'} as const;

export type BrowseEntry = {wireName: string; size: number};

export type BrowsePage = {total: number; offset: number; entries: BrowseEntry[]};

const COUNT = /^(0|[1-9][0-9]{0,8})$/;
const SIZE = /^(0|[1-9][0-9]{0,15})$/;

export function formatBrowseRequest(offset: number): string {
  return String(offset);
}

/** The offset asked for; empty data means 0. */
export function parseBrowseRequest(data: string): number {
  if (data === '') return 0;
  if (!COUNT.test(data)) throw new MalformedMessageError('bad BRWS offset', data);
  return Number(data);
}

/** One page line: `<size> <wire-name>\n`. */
export function formatBrowseEntry({wireName, size}: BrowseEntry): string {
  return `${size} ${wireName}\n`;
}

export function formatBrowseHeader(total: number, offset: number, count: number): string {
  return `${total} ${offset} ${count}\n`;
}

/**
 * A page as it came; throws MalformedMessageError on anything else (counts
 * that disagree, a bad size, a name with whitespace or none).
 */
export function parseBrowsePage(data: string): BrowsePage {
  const lines = data.split('\n');
  if (lines.pop() !== '')
    throw new MalformedMessageError('BRWS page not ended by LF', data);
  const [header, ...rest] = lines;
  const fields = (header ?? '').split(' ');
  const [total, offset, count] = fields.map((field) =>
    COUNT.test(field) ? Number(field) : NaN,
  );
  if (
    fields.length !== 3 ||
    total === undefined ||
    offset === undefined ||
    count === undefined ||
    [total, offset, count].some(Number.isNaN) ||
    count !== rest.length ||
    offset + count > total
  ) {
    throw new MalformedMessageError('bad BRWS page header', header ?? '');
  }
  const entries = rest.map((line) => {
    const space = line.indexOf(' ');
    const sizeText = line.slice(0, space);
    const wireName = line.slice(space + 1);
    if (space < 1 || !SIZE.test(sizeText) || wireName === '' || hasWhitespace(wireName)) {
      throw new MalformedMessageError('bad BRWS entry', line);
    }
    return {wireName, size: Number(sizeText)};
  });
  return {total, offset, entries};
}
