import type {TransferInfo} from '../../node/types.js';

export type TransferProgress = {
  /** 0..1 once the total is known. */
  fraction: number | undefined;
  /** Bytes per second since the transfer started. */
  rate: number;
  /** Seconds left at that rate, when it can be told. */
  eta: number | undefined;
};

export function transferProgress(transfer: TransferInfo, now: number): TransferProgress {
  const {received, total} = transfer;
  const seconds = Math.max(now - transfer.startedAt, 1) / 1000;
  const rate = received / seconds;
  const fraction =
    total === undefined ? undefined : total === 0 ? 1 : Math.min(received / total, 1);
  const eta =
    total === undefined || rate <= 0 ? undefined : Math.max(total - received, 0) / rate;
  return {fraction, rate, eta};
}

/**
 * What the node says the transfer does, when it is more than fetching from
 * one source: "verifying", "3 sources", "resumed"; undefined otherwise.
 */
export function transferActivity(transfer: TransferInfo): string | undefined {
  if (transfer.phase === 'verifying' || transfer.phase === 'hashing')
    return transfer.phase;
  if (transfer.sources !== undefined && transfer.sources > 1) {
    return `${transfer.sources} sources`;
  }
  if (transfer.resumedBytes) return 'resumed';
  return undefined;
}

/** Cells of a progress bar on a terminal `width` columns wide: the same for every bar. */
export function barWidthFor(width: number): number {
  return Math.min(Math.max(Math.floor(width * 0.2), 8), 30);
}

/** `width` cells of a bar: filled for the done part. */
export function progressCells(fraction: number | undefined, width: number): string {
  if (width <= 0) return '';
  if (fraction === undefined) return '░'.repeat(width);
  const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
