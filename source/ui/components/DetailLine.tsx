import {Box, Text} from 'ink';
import {fitWidth} from '../model/text-width.js';

type Props = {text: string; width: number};

/** The selected row in full, under the panes; cut at the end only if even that is too long. */
export function DetailLine({text, width}: Props) {
  return (
    <Box height={1} width={width} flexShrink={0}>
      <Text dimColor>{fitWidth(text === '' ? ' ' : ` ${text}`, width)}</Text>
    </Box>
  );
}
