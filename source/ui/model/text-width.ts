/**
 * Text measured in terminal columns, as Ink measures it (string-width): a CJK
 * character or an emoji takes two, a combining accent none. Everything that
 * cuts or pads text for a fixed width goes through here, so a wide name can
 * never push a border or the next column out of place.
 */
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

export function textWidth(text: string): number {
  return stringWidth(text);
}

/** `text` cut to at most `width` columns; a cut ends in `…`. */
export function fitWidth(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  return takeColumns(text, width - 1) + '…';
}

/** `text` fitted, then padded with spaces to exactly `width` columns. */
export function padWidth(text: string, width: number): string {
  const fitted = fitWidth(text, width);
  return fitted + ' '.repeat(Math.max(width - textWidth(fitted), 0));
}

/** Like padWidth, with the spaces before the text. */
export function padStartWidth(text: string, width: number): string {
  const fitted = fitWidth(text, width);
  return ' '.repeat(Math.max(width - textWidth(fitted), 0)) + fitted;
}

/** The longest start of `text` that fits in `width` columns (whole graphemes only). */
export function takeColumns(text: string, width: number): string {
  let used = 0;
  let end = 0;
  for (const {segment, index} of graphemes.segment(text)) {
    const cell = stringWidth(segment);
    if (used + cell > width) break;
    used += cell;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** The longest end of `text` that fits in `width` columns. */
export function takeLastColumns(text: string, width: number): string {
  const parts = [...graphemes.segment(text)].map((part) => part.segment);
  let used = 0;
  let start = parts.length;
  while (start > 0) {
    const cell = stringWidth(parts[start - 1] as string);
    if (used + cell > width) break;
    used += cell;
    start--;
  }
  return parts.slice(start).join('');
}
