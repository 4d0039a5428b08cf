/**
 * Fields on the wire are bytes, split as the Python 2 original splits them:
 * `str.split()` on a byte string cuts only at the six ASCII whitespace bytes
 * (space, tab, LF, VT, FF, CR). A no-break space (C2 A0) or an ideographic
 * space inside a name or key is part of it, and so is a byte that is not
 * valid UTF-8 (a Latin-1 `caf\xe9.bin`).
 *
 * Inside the node, wire data is held as *wire text*: a string with one
 * character per byte (latin1), so that splitting, matching and echoing keep
 * every byte, and `wireBytes()` gives the very bytes back. Only names shown
 * to people are decoded (`nameFromWire`).
 *
 * filer-tui's own names may contain ASCII whitespace: such a name travels
 * percent-encoded, "my song.mp3" as "my%20song.mp3" (each ASCII whitespace
 * character and "%" itself as %XX). Original peers see an ordinary name;
 * filer-tui peers decode it back. Decoding also accepts the %XX forms of the
 * Unicode spaces that earlier filer-tui versions encoded; other "%" text
 * from an original peer stays as it is.
 */
import {isUtf8} from 'node:buffer';

/** What Python 2's str.split() and str.strip() cut at, on bytes. */
const ASCII_WHITESPACE = ' \t\n\v\f\r';
const ESCAPED = new Set([...ASCII_WHITESPACE, '%']);
/** Decoded for peers of earlier versions, which encoded Python 3's whitespace set. */
const LEGACY_ESCAPED =
  '\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005' +
  '\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

function percentBytes(character: string): string {
  return [...Buffer.from(character, 'utf8')]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

const DECODABLE = [...ESCAPED, ...LEGACY_ESCAPED];
const ENCODED_TO_CHARACTER = new Map(DECODABLE.map((c) => [percentBytes(c), c]));
const DECODE_PATTERN = new RegExp(
  [...ENCODED_TO_CHARACTER.keys()].sort((a, b) => b.length - a.length).join('|'),
  'gi',
);
/** The same sequences as wire text: each decodes to the UTF-8 bytes of its character. */
const ENCODED_TO_WIRE_TEXT = new Map(
  DECODABLE.map((c) => [percentBytes(c), Buffer.from(c, 'utf8').toString('latin1')]),
);

/** A person's name → the text that travels (ASCII whitespace and "%" as %XX). */
export function encodeWireName(name: string): string {
  let encoded = '';
  for (const character of name) {
    encoded += ESCAPED.has(character) ? percentBytes(character) : character;
  }
  return encoded;
}

/** Undoes encodeWireName on text (already decoded from UTF-8). */
export function decodeWireName(wire: string): string {
  return wire.replace(
    DECODE_PATTERN,
    (match) => ENCODED_TO_CHARACTER.get(match.toUpperCase()) ?? match,
  );
}

// ---- wire text: one character per byte ---------------------------------------

/** Frame data as wire text: every byte kept, one character each. */
export function wireText(data: Buffer): string {
  return data.toString('latin1');
}

/** The bytes of wire text. Throws on a character that is not a byte: that is a bug. */
export function wireBytes(text: string): Buffer {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0xff) {
      throw new RangeError(`wire text holds a character that is not a byte at ${index}`);
    }
  }
  return Buffer.from(text, 'latin1');
}

/** A person's name (or search key) as wire text: UTF-8 bytes, whitespace encoded. */
export function wireFromName(name: string): string {
  return Buffer.from(encodeWireName(name), 'utf8').toString('latin1');
}

/**
 * The bytes a name stands for once filer-tui's escapes are undone, as wire
 * text: what a query key is matched against (by bytes, as the original does).
 */
export function unescapedWire(wire: string): string {
  return wire.replace(
    DECODE_PATTERN,
    (match) => ENCODED_TO_WIRE_TEXT.get(match.toUpperCase()) ?? match,
  );
}

/**
 * The name shown to people and used on disk, from wire text: escapes undone,
 * then decoded as UTF-8; bytes that are not UTF-8 (a Latin-1 name from an
 * original peer) are read as Latin-1, with the C1 control bytes 80–9F as %XX.
 * The wire form is kept beside it for every request about the file.
 */
export function nameFromWire(wire: string): string {
  const bytes = Buffer.from(unescapedWire(wire), 'latin1');
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let name = '';
  for (const byte of bytes) {
    name +=
      byte >= 0x80 && byte <= 0x9f
        ? `%${byte.toString(16).toUpperCase()}`
        : String.fromCharCode(byte);
  }
  return name;
}

// ---- fields ----------------------------------------------------------------------

/** True when Python 2's str.split() would cut inside this text. */
export function hasWhitespace(text: string): boolean {
  for (const character of text) if (ASCII_WHITESPACE.includes(character)) return true;
  return false;
}

/** Python 2's str.split() with no argument: split on ASCII whitespace runs, drop empties. */
export function splitFields(text: string): string[] {
  return text.split(/[ \t\n\v\f\r]+/).filter((field) => field.length > 0);
}

/** Python 2's str.strip() with no argument: ASCII whitespace only. */
export function stripWhitespace(text: string): string {
  // A loop, not a regular expression: /\s+$/ backtracks quadratically on long runs.
  let start = 0;
  let end = text.length;
  while (start < end && ASCII_WHITESPACE.includes(text.charAt(start))) start++;
  while (end > start && ASCII_WHITESPACE.includes(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}
