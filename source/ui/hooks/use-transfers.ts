import {useMemo} from 'react';
import {runningTransfers} from '../../app/transfer-rules.js';
import type {TransferInfo} from '../../node/types.js';
import {transferProgress, type TransferProgress} from '../model/transfer-progress.js';

export type TransferView = TransferInfo & TransferProgress;

export type Transfers = {
  /** Running transfers, oldest first, with rate and ETA. */
  running: TransferView[];
  /** The running transfer of each file name (the ↓ mark). */
  byName: ReadonlyMap<string, TransferView>;
};

/** Finished transfers leave the screen; the node logs how they ended. */
export function useTransfers(transfers: readonly TransferInfo[], now: number): Transfers {
  return useMemo(() => {
    const running = runningTransfers(transfers).map((transfer) => ({
      ...transfer,
      ...transferProgress(transfer, now),
    }));
    return {running, byName: new Map(running.map((view) => [view.name, view]))};
  }, [transfers, now]);
}
