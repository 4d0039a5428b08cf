import {useMemo} from 'react';
import type {TransferInfo} from '../../node/types.js';
import {transferProgress, type TransferProgress} from '../model/transfer-progress.js';

export type TransferView = TransferInfo & TransferProgress;

export type Transfers = {
  /** Running transfers, oldest first, with rate and ETA. */
  running: TransferView[];
  /** The running transfer of each file name. */
  byName: ReadonlyMap<string, TransferView>;
};

/** Finished transfers leave the screen; the node logs how they ended. */
export function useTransfers(transfers: readonly TransferInfo[], now: number): Transfers {
  return useMemo(() => {
    const running = transfers
      .filter((transfer) => transfer.state === 'running')
      .map((transfer) => ({...transfer, ...transferProgress(transfer, now)}));
    return {running, byName: new Map(running.map((view) => [view.name, view]))};
  }, [transfers, now]);
}

/** What `c` cancels: the selected file's transfer, or else the newest one. */
export function cancelTarget(
  transfers: Transfers,
  selectedName: string | undefined,
): TransferView | undefined {
  return (
    (selectedName === undefined ? undefined : transfers.byName.get(selectedName)) ??
    transfers.running.at(-1)
  );
}
