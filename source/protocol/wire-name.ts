/**
 * Names on the wire may not contain whitespace: the original splits every data
 * field with Python's str.split(). A name such as "my song.mp3" travels as
 * "my%20song.mp3": every character that Python counts as whitespace, and "%"
 * itself, becomes %XX of its UTF-8 bytes. Original peers see an ordinary name
 * without whitespace; filer-tui peers decode it back. Only the sequences this
 * encoder produces are decoded, so other "%" text from an original peer stays
 * as it is.
 */

// Python's str.isspace() set: what str.split() and str.strip() cut at.
const WHITESPACE =
  '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005' +
  '\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
// Also escaped: U+FEFF, which JavaScript's \s counts as whitespace (Python does not).
const ESCAPED = new Set([...WHITESPACE, '\ufeff', '%']);

function percentBytes(character: string): string {
  return [...Buffer.from(character, 'utf8')]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

const ENCODED_TO_CHARACTER = new Map([...ESCAPED].map((c) => [percentBytes(c), c]));
const DECODE_PATTERN = new RegExp(
  [...ENCODED_TO_CHARACTER.keys()].sort((a, b) => b.length - a.length).join('|'),
  'gi',
);

export function encodeWireName(name: string): string {
  let encoded = '';
  for (const character of name) {
    encoded += ESCAPED.has(character) ? percentBytes(character) : character;
  }
  return encoded;
}

export function decodeWireName(wire: string): string {
  return wire.replace(
    DECODE_PATTERN,
    (match) => ENCODED_TO_CHARACTER.get(match.toUpperCase()) ?? match,
  );
}

/** True when Python's str.split() would cut inside this text. */
export function hasWhitespace(text: string): boolean {
  for (const character of text) if (WHITESPACE.includes(character)) return true;
  return false;
}

/** Python's str.split() with no argument: split on whitespace runs, drop empties. */
export function splitFields(text: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (const character of text) {
    if (WHITESPACE.includes(character)) {
      if (current) fields.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  if (current) fields.push(current);
  return fields;
}

/** Python's str.strip() with no argument. */
export function stripWhitespace(text: string): string {
  const characters = [...text];
  let start = 0;
  let end = characters.length;
  while (start < end && WHITESPACE.includes(characters[start] as string)) start++;
  while (end > start && WHITESPACE.includes(characters[end - 1] as string)) end--;
  return characters.slice(start, end).join('');
}
