import {Box, Text} from 'ink';
import {CONFIRM_HEIGHT} from './ConfirmDialog.js';
import {Pane} from './Pane.js';

type Props = {
  /** Why the node would keep running, e.g. `2 transfer(s) running`. */
  reason: string;
  width: number;
};

/** q while the node would keep running: stop it, or close only this UI. */
export function LeaveDialog({reason, width}: Props) {
  return (
    <Pane title="Quit" width={width} height={CONFIRM_HEIGHT} focused>
      <Box height={1}>
        <Text wrap="truncate-end">
          The node would keep running ({reason}).{' '}
          <Text bold color="cyan">
            s
          </Text>{' '}
          stop the node{'  '}
          <Text bold color="cyan">
            c
          </Text>{' '}
          close only the UI{'  '}
          <Text bold color="cyan">
            Esc
          </Text>{' '}
          back
        </Text>
      </Box>
    </Pane>
  );
}
