import {Text} from 'ink';
import {MIN_COLUMNS, MIN_ROWS, type TerminalSize} from '../model/layout.js';

/** Shown instead of a broken layout; the keys still work (q quits). */
export function TooSmall({size}: {size: TerminalSize}) {
  return (
    <Text color="yellow" wrap="truncate-end">
      {`terminal too small (need ${MIN_COLUMNS}x${MIN_ROWS}) · now ${size.columns}x${size.rows} · q quits`}
    </Text>
  );
}
