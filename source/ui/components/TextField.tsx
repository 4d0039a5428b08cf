import {Text, useCursor} from 'ink';
import {fieldView} from '../model/field-view.js';
import type {LineState} from '../model/line-editor.js';

type Props = {
  line: LineState;
  width: number;
  /** Where the field starts on the screen, to put the terminal's cursor in it. */
  origin: {x: number; y: number};
  /** False while the line cannot be edited (its submit is being checked). */
  active: boolean;
};

/**
 * A one-line text field. The key routing edits its line (see line-editor);
 * this draws it, scrolled to keep the cursor in view, and shows the
 * terminal's own cursor there, which needs no colour to be seen.
 */
export function TextField({line, width, origin, active}: Props) {
  const {setCursorPosition} = useCursor();
  const view = fieldView(line, width);
  // Set while rendering: Ink applies it with this very frame (and hides the
  // cursor again when the field goes away).
  setCursorPosition(active ? {x: origin.x + view.cursorColumn, y: origin.y} : undefined);
  return <Text>{view.text}</Text>;
}
