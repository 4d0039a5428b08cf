/**
 * A one-line text field as plain data, edited key by key as a shell line is:
 * every key of a burst is applied in order to the state the key before it
 * left. The cursor sits between graphemes (an emoji with its modifiers, a
 * letter with its accents), so one Backspace removes what the eye sees as
 * one character.
 */
export type LineState = {
  readonly value: string;
  /** UTF-16 offset into `value`, always on a grapheme boundary. */
  readonly cursor: number;
};

/** The editing keys, by the names keyNames() gives them. */
export const EDIT_KEYS = [
  'backspace',
  'delete',
  'left',
  'right',
  'home',
  'end',
  'ctrl-a',
  'ctrl-e',
  'ctrl-b',
  'ctrl-f',
  'ctrl-d',
  'ctrl-h',
  'ctrl-u',
  'ctrl-k',
  'ctrl-w',
] as const;

export type EditKey = (typeof EDIT_KEYS)[number];

const EDIT_KEY_SET: ReadonlySet<string> = new Set(EDIT_KEYS);

export function isEditKey(name: string): name is EditKey {
  return EDIT_KEY_SET.has(name);
}

export const EMPTY_LINE: LineState = {value: '', cursor: 0};

export function lineOf(value: string): LineState {
  return {value, cursor: value.length};
}

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** The grapheme boundaries of `text`: 0, ..., text.length. */
function boundaries(text: string): number[] {
  const result = [0];
  for (const {index, segment} of graphemes.segment(text)) {
    result.push(index + segment.length);
  }
  return result;
}

function previousBoundary(text: string, offset: number): number {
  let previous = 0;
  for (const boundary of boundaries(text)) {
    if (boundary >= offset) return previous;
    previous = boundary;
  }
  return previous;
}

function nextBoundary(text: string, offset: number): number {
  for (const boundary of boundaries(text)) if (boundary > offset) return boundary;
  return text.length;
}

/** Start of the word before the cursor, as Ctrl-W in a shell: spaces first, then the word. */
function wordStart(text: string, offset: number): number {
  let index = offset;
  while (index > 0 && /\s/u.test(text[index - 1] ?? '')) index--;
  while (index > 0 && !/\s/u.test(text[index - 1] ?? '')) index--;
  return index;
}

/** Printable text only: control characters never enter the field. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001F\u007F-\u009F]/gu, '');
}

/** Types `text` at the cursor (a paste arrives whole). */
export function insertText(state: LineState, text: string): LineState {
  const clean = printable(text);
  if (clean === '') return state;
  const {value, cursor} = state;
  return {
    value: value.slice(0, cursor) + clean + value.slice(cursor),
    cursor: cursor + clean.length,
  };
}

export function applyEditKey(state: LineState, key: EditKey): LineState {
  const {value, cursor} = state;
  const cut = (from: number, to: number, at: number): LineState => ({
    value: value.slice(0, from) + value.slice(to),
    cursor: at,
  });
  switch (key) {
    case 'backspace':
    case 'ctrl-h': {
      const from = previousBoundary(value, cursor);
      return cut(from, cursor, from);
    }
    case 'delete':
    case 'ctrl-d':
      return cut(cursor, nextBoundary(value, cursor), cursor);
    case 'left':
    case 'ctrl-b':
      return {value, cursor: previousBoundary(value, cursor)};
    case 'right':
    case 'ctrl-f':
      return {value, cursor: nextBoundary(value, cursor)};
    case 'home':
    case 'ctrl-a':
      return {value, cursor: 0};
    case 'end':
    case 'ctrl-e':
      return {value, cursor: value.length};
    case 'ctrl-u':
      return cut(0, cursor, 0);
    case 'ctrl-k':
      return cut(cursor, value.length, cursor);
    case 'ctrl-w': {
      const from = wordStart(value, cursor);
      return cut(from, cursor, from);
    }
  }
}
