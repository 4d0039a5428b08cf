import {Box, Text} from 'ink';
import type {TransferView} from '../hooks/use-transfers.js';
import {ProgressBar} from './ProgressBar.js';

type Props = {running: readonly TransferView[]; width: number; rows: number};

/** Progress bars of the running transfers; the newest when they do not all fit. */
export function Transfers({running, width, rows}: Props) {
  if (rows <= 0) return null;
  const overflow = running.length > rows;
  const shown = running.slice(-(overflow ? rows - 1 : rows));
  return (
    <Box flexDirection="column" height={rows} flexShrink={0}>
      {overflow ? (
        <Text dimColor>{`  … ${running.length - shown.length} more transfer(s)`}</Text>
      ) : null}
      {shown.map((transfer) => (
        <ProgressBar key={transfer.id} transfer={transfer} width={width} />
      ))}
    </Box>
  );
}
