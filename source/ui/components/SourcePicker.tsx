import {Box, Text} from 'ink';
import {scrollOffset} from '../model/scroll-window.js';
import {fitWidth} from '../model/text-width.js';
import {Pane} from './Pane.js';

type Props = {
  name: string;
  owners: readonly string[];
  /** The highlighted item: 0 is "any owner", then each owner. */
  index: number;
  width: number;
  /** Lines the dialog may take, borders included. */
  height: number;
};

export function sourcePickerHeight(owners: number): number {
  return owners + 1 + 2;
}

/**
 * Choosing where to fetch a file from when several peers have it. The key
 * table moves the highlight and fetches (the UI state holds it), so keys in
 * one burst are each counted; the list only draws it.
 */
export function SourcePicker({name, owners, index, width, height}: Props) {
  const items = [`any of the ${owners.length} (tries each in turn)`, ...owners];
  const rows = Math.max(height - 2, 1);
  // The highlight is kept in view; the list is short, so no state is needed.
  const start = scrollOffset(index - rows + 1, index, rows, items.length);
  return (
    <Pane title={`Fetch ${name} from`} width={width} height={height} focused>
      {items.slice(start, start + rows).map((item, offset) => {
        const chosen = start + offset === index;
        return (
          <Box key={start + offset} height={1}>
            <Text bold={chosen} color={chosen ? 'cyan' : undefined}>
              {fitWidth(`${chosen ? '❯' : ' '} ${item}`, width - 2)}
            </Text>
          </Box>
        );
      })}
    </Pane>
  );
}
