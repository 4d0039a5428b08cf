import {Text} from 'ink';
import {useContext, useLayoutEffect} from 'react';
import {fieldView} from '../model/field-view.js';
import type {LineState} from '../model/line-editor.js';
import {CursorContext} from '../terminal/cursor-context.js';

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
  const setCursor = useContext(CursorContext);
  const view = fieldView(line, width);
  // Set while rendering, so it goes out with this very frame; the layout
  // effect's cleanup runs before the frame without the field is written.
  setCursor(active ? {x: origin.x + view.cursorColumn, y: origin.y} : undefined);
  useLayoutEffect(() => () => setCursor(undefined), [setCursor]);
  return <Text>{view.text}</Text>;
}
