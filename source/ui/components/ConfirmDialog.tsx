import {Box, Text} from 'ink';
import {formatBytes} from '../../format/bytes.js';
import type {Question} from '../model/ui-state.js';
import {fitWidth} from '../model/text-width.js';
import {Pane} from './Pane.js';

type Props = {ask: Question; width: number};

export const CONFIRM_HEIGHT = 3;

/** The dialog's title and question for what is asked. */
export function questionText(ask: Question): {title: string; question: string} {
  switch (ask.action) {
    case 'remove':
      return {
        title: 'Remove peer',
        question: `Remove ${ask.peerId} from the peer list? It is sent QUIT.`,
      };
    case 'quit':
      return {
        title: 'Quit',
        question: `${ask.running} transfer(s) still running; quit and lose them?`,
      };
    case 'cancel':
      return {
        title: 'Cancel transfer',
        question: `Cancel ${ask.name} (${formatBytes(ask.size)})? What arrived is thrown away.`,
      };
  }
}

/** A yes/no question; the key table routes y, n and Esc. */
export function ConfirmDialog({ask, width}: Props) {
  const {title, question} = questionText(ask);
  const keys = '  y yes  n no';
  return (
    <Pane title={title} width={width} height={CONFIRM_HEIGHT} focused>
      <Box height={1}>
        <Text>
          {fitWidth(question, width - 2 - keys.length)}
          {'  '}
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
