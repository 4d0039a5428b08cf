import {Box, Text} from 'ink';
import {Pane} from './Pane.js';

type Props = {title: string; question: string; width: number};

export const CONFIRM_HEIGHT = 3;

/** A yes/no question; the key table routes y, n and Esc. */
export function ConfirmDialog({title, question, width}: Props) {
  return (
    <Pane title={title} width={width} height={CONFIRM_HEIGHT} focused>
      <Box height={1}>
        <Text wrap="truncate-end">
          {question}{' '}
          <Text bold color="cyan">
            y
          </Text>{' '}
          yes{'  '}
          <Text bold color="cyan">
            n
          </Text>{' '}
          no
        </Text>
      </Box>
    </Pane>
  );
}
