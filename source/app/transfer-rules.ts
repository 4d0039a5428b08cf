/** Which transfers count as running, and which one a cancel means. Pure. */
import type {TransferInfo} from '../node/types.js';

/** Running transfers, oldest first (the node lists them in start order). */
export function runningTransfers<T extends TransferInfo>(transfers: readonly T[]): T[] {
  return transfers.filter((transfer) => transfer.state === 'running');
}

/** The running transfer of the file `name`: a second fetch of it is refused. */
export function runningTransferOf<T extends TransferInfo>(
  transfers: readonly T[],
  name: string,
): T | undefined {
  return transfers.find(
    (transfer) => transfer.state === 'running' && transfer.name === name,
  );
}

export type CancelTarget = {transferId?: number; name?: string};

/**
 * What a cancel hits: the transfer with that id (running or not, so the
 * caller can say it already ended), else the running transfer of the named
 * file, else the newest running one.
 */
export function cancelTarget<T extends TransferInfo>(
  transfers: readonly T[],
  {transferId, name}: CancelTarget,
): T | undefined {
  if (transferId !== undefined) {
    return transfers.find((transfer) => transfer.id === transferId);
  }
  return (
    (name === undefined ? undefined : runningTransferOf(transfers, name)) ??
    runningTransfers(transfers).at(-1)
  );
}
