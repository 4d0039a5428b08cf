import {Box, Text} from 'ink';
import {formatBytes, formatDuration} from '../../format/bytes.js';
import type {TransferView} from '../hooks/use-transfers.js';
import {progressCells, transferActivity} from '../model/transfer-progress.js';

type Props = {transfer: TransferView; width: number};

/** One running transfer: name, bar, percent, bytes, rate and ETA. */
export function ProgressBar({transfer, width}: Props) {
  const {fraction, rate, eta, received, total} = transfer;
  const percent =
    fraction === undefined ? '  ?%' : `${Math.floor(fraction * 100)}%`.padStart(4);
  const bytes = `${formatBytes(received)}/${total === undefined ? '?' : formatBytes(total)}`;
  const activity = transferActivity(transfer);
  const stats = `${percent} ${bytes}  ${formatBytes(rate)}/s  ETA ${eta === undefined ? '--' : formatDuration(eta)}${activity ? `  ${activity}` : ''}`;
  const nameWidth = Math.min(Math.max(Math.floor(width * 0.25), 8), 32);
  const barWidth = Math.max(width - nameWidth - stats.length - 6, 4);
  return (
    <Box height={1} width={width}>
      <Text color="cyan">↓ </Text>
      <Box width={nameWidth + 1}>
        <Text wrap="truncate-end">{transfer.name}</Text>
      </Box>
      <Text color="cyan">{progressCells(fraction, barWidth)}</Text>
      <Box flexGrow={1} flexShrink={1} flexBasis={0}>
        <Text wrap="truncate-end"> {stats}</Text>
      </Box>
    </Box>
  );
}
