/**
 * The one sanitiser for text that came from a peer (ids, hosts, file names,
 * ERRO texts) before it reaches a terminal or a log line. A terminal acts on
 * control characters: ESC starts CSI/OSC/DCS sequences that move the cursor,
 * retitle the window or write the clipboard; CR and LF forge log lines; C1
 * controls are the same sequences in one code point; bidi overrides and other
 * invisible format characters make a name read as another. Each of those
 * becomes a visible escape (`\x1b`, `\u202e`), so an attack shows as what it
 * is; every printable character, in any script, is kept as it is.
 */

/**
 * Controls (C0, DEL, C1), format characters (bidi embeddings, overrides and
 * isolates, zero-width characters, the BOM, soft hyphen, tags), the line and
 * paragraph separators, and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const ZERO_WIDTH_JOINER = 0x200d;
const PICTOGRAPH_BEFORE = /\p{Extended_Pictographic}[\u{FE0F}\p{Emoji_Modifier}]?$/u;
const PICTOGRAPH_AFTER = /^\p{Extended_Pictographic}/u;

/** Peer text made safe to print: unsafe code points become visible escapes. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (character, offset: number, whole: string) => {
    const code = character.codePointAt(0) ?? 0;
    if (code === ZERO_WIDTH_JOINER && joinsEmoji(whole, offset)) return character;
    return visibleEscape(code);
  });
}

/** A joiner inside an emoji sequence (👨‍👩‍👧) is part of a printable picture. */
function joinsEmoji(text: string, offset: number): boolean {
  return (
    PICTOGRAPH_BEFORE.test(text.slice(Math.max(0, offset - 4), offset)) &&
    PICTOGRAPH_AFTER.test(text.slice(offset + 1, offset + 3))
  );
}

function visibleEscape(code: number): string {
  const hex = code.toString(16);
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\u{${hex}}`;
}

export const ELLIPSIS = '…';

/**
 * At most `maxChars` code points: a longer text keeps its start and ends with
 * an ellipsis. Never splits a surrogate pair.
 */
export function boundText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  if (maxChars < 1) return '';
  let count = 0;
  let end = 0;
  for (const character of text) {
    if (count === maxChars - 1) {
      // One code point left: the text fits only if this is its last one.
      return end + character.length === text.length
        ? text
        : text.slice(0, end) + ELLIPSIS;
    }
    count++;
    end += character.length;
  }
  return text;
}

/** Default length of one peer-supplied field quoted in a log line. */
export const PEER_TEXT_CHARS = 120;

/**
 * Peer text for quoting in a line: made safe, then bounded, so a 64 KiB name
 * of control characters is one short line.
 */
export function peerText(text: string, maxChars = PEER_TEXT_CHARS): string {
  // Bound first too: escaping 64 KiB only to cut it would be wasted work.
  return boundText(terminalSafe(boundText(text, maxChars)), maxChars);
}

/**
 * JSON text with every unsafe code point that JSON.stringify leaves raw (DEL,
 * C1, format characters, line separators) written as a \\u escape: the same
 * JSON value, but nothing in it that a terminal acts on. Such code points
 * can only be inside string literals, where the escape means the same.
 */
export function jsonTerminalSafe(json: string): string {
  return json.replace(UNSAFE, (character) => {
    let escaped = '';
    for (let index = 0; index < character.length; index++) {
      escaped += `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`;
    }
    return escaped;
  });
}
