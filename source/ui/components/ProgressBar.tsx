import {Box, Text} from 'ink';
import {formatBytes, formatDuration} from '../../format/bytes.js';
import type {TransferView} from '../hooks/use-transfers.js';
import {padWidth} from '../model/text-width.js';
import {
  barWidthFor,
  progressCells,
  transferActivity,
} from '../model/transfer-progress.js';

type Props = {transfer: TransferView; width: number};

/**
 * One running transfer: name, bar, percent, bytes, rate and ETA. The name
 * and the bar have widths set by the terminal's alone, so every bar in view
 * is as long as the others and starts in the same column.
 */
export function ProgressBar({transfer, width}: Props) {
  const {fraction, rate, eta, received, total} = transfer;
  const percent =
    fraction === undefined ? '  ?%' : `${Math.floor(fraction * 100)}%`.padStart(4);
  const bytes = `${formatBytes(received)}/${total === undefined ? '?' : formatBytes(total)}`;
  const activity = transferActivity(transfer);
  const stats = `${percent} ${bytes}  ${formatBytes(rate)}/s  ETA ${eta === undefined ? '--' : formatDuration(eta)}${activity ? `  ${activity}` : ''}`;
  const nameWidth = Math.min(Math.max(Math.floor(width * 0.25), 8), 32);
  const barWidth = barWidthFor(width);
  const statsWidth = Math.max(width - 2 - nameWidth - 1 - barWidth - 1, 0);
  return (
    <Box height={1} width={width}>
      <Text>
        <Text color="cyan">↓ </Text>
        {padWidth(transfer.name, nameWidth)}{' '}
        <Text color="cyan">{progressCells(fraction, barWidth)}</Text>{' '}
        {padWidth(stats, statsWidth)}
      </Text>
    </Box>
  );
}
