/**
 * What a one-line field of `width` columns shows of a line being edited: a
 * window that always holds the cursor, measured in terminal columns, so wide
 * characters neither overflow the field nor leave a gap.
 */
import type {LineState} from './line-editor.js';
import {takeColumns, takeLastColumns, textWidth} from './text-width.js';

export type FieldView = {
  /** Exactly `width` columns of text (padded with spaces). */
  text: string;
  /** Column of the cursor inside `text`. */
  cursorColumn: number;
};

export function fieldView({value, cursor}: LineState, width: number): FieldView {
  if (width <= 0) return {text: '', cursorColumn: 0};
  // One column is kept for the cursor when it stands after the last character.
  const room = Math.max(width - 1, 0);
  const before = value.slice(0, cursor);
  const after = value.slice(cursor);
  let shownBefore = before;
  if (textWidth(before) > room) {
    // Scrolled: keep the start of the line out of view, the cursor in it.
    shownBefore = takeLastColumns(before, room);
  }
  const beforeWidth = textWidth(shownBefore);
  const shownAfter = takeColumns(after, width - beforeWidth);
  const text = shownBefore + shownAfter;
  return {
    text: text + ' '.repeat(Math.max(width - textWidth(text), 0)),
    cursorColumn: beforeWidth,
  };
}
