import {Box, Text} from 'ink';
import type {LineState} from '../model/line-editor.js';
import {textWidth} from '../model/text-width.js';
import {TextField} from './TextField.js';

type Props = {
  paneTitle: string;
  line: LineState;
  /** Rows the filter leaves, of all. */
  shown: number;
  total: number;
  width: number;
  /** The screen row of this line. */
  top: number;
};

/** The filter being typed, in place of the detail line; the list follows each key. */
export function FilterLine({paneTitle, line, shown, total, width, top}: Props) {
  const label = `/ filter ${paneTitle}: `;
  const count = ` ${shown}/${total} · Enter keeps · Esc clears`;
  const labelWidth = textWidth(label);
  const fieldWidth = Math.max(width - labelWidth - textWidth(count), 8);
  return (
    <Box height={1} width={width} flexShrink={0}>
      <Text bold>{label}</Text>
      <TextField line={line} width={fieldWidth} origin={{x: labelWidth, y: top}} active />
      <Text dimColor wrap="truncate-end">
        {count}
      </Text>
    </Box>
  );
}
