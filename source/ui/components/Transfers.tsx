import {Box, Text} from 'ink';
import type {TransferView} from '../hooks/use-transfers.js';
import {transferRows} from '../model/transfer-rows.js';
import {ProgressBar} from './ProgressBar.js';

type Props = {running: readonly TransferView[]; width: number; rows: number};

/** Progress bars of the running transfers; the newest when they do not all fit. */
export function Transfers({running, width, rows}: Props) {
  if (rows <= 0) return null;
  const {bars, more} = transferRows(running, rows);
  return (
    <Box flexDirection="column" height={rows} flexShrink={0}>
      {more > 0 ? <Text dimColor>{`  … ${more} more transfer(s)`}</Text> : null}
      {bars.map((transfer) => (
        <ProgressBar key={transfer.id} transfer={transfer} width={width} />
      ))}
    </Box>
  );
}
