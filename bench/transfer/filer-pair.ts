/** One fetch between two fresh filer-tui processes: a sender sharing the file, a receiver. */
import path from 'node:path';
import {makeDir, type ScenarioContext} from './context.js';
import {MemoryWarmer} from './free-memory.js';
import {
  startFilerNode,
  stopFilerNode,
  timedFetch,
  transferOf,
  waitForHashed,
  waitForLocalFile,
  type FetchOutcome,
  type FilerNode,
} from './filer-cli.js';
import {cpuSpent, type CpuSeconds, type LineRecord} from './line-process.js';

export type PairFetch = FetchOutcome & {
  /** Where the receiver saved the file, when it succeeded. */
  copyPath?: string;
  /** transfer.error when it failed. */
  error?: string;
  senderPeakRss?: number;
  receiverPeakRss?: number;
  /** CPU each end used during the timed fetch. */
  senderCpu?: CpuSeconds;
  receiverCpu?: CpuSeconds;
  /** The sender's warn/error log lines during the fetch. */
  senderComplaints: string[];
  /** The receiver says it checked the content: its transfer-done has `verified: true`. */
  verified: boolean;
};

export async function fetchBetweenTwoNodes(
  context: ScenarioContext,
  source: string,
  label: string,
  timeoutMs: number,
  {plain = false}: {plain?: boolean} = {},
): Promise<PairFetch> {
  const name = path.basename(source);
  const downloadDir = await makeDir(context, `${label}-download`);
  const common = {
    cliPath: context.options.cliPath,
    cpuProfDir: context.options.cpuProfDir,
  };
  const nodes: FilerNode[] = [];
  try {
    const sender = await startFilerNode({
      ...common,
      label: `${label}-sender`,
      cpu: context.pinning?.sender,
      downloadDir,
      shares: [source],
      verbose: true,
    });
    nodes.push(sender);
    const receiver = await startFilerNode({
      ...common,
      label: `${label}-receiver`,
      cpu: plain ? context.pinning?.receiver : context.pinning?.verifyingReceiver,
      downloadDir,
      plainFetch: plain,
    });
    nodes.push(receiver);
    await waitForLocalFile(sender, name);
    // A share is hashed once, in the background, long before most fetches:
    // the timed fetch starts after it (builds without hashing just go on).
    await waitForHashed(sender);
    const since = sender.process.mark();
    const cpuBefore = [sender.process.cpuSeconds(), receiver.process.cpuSeconds()];
    const writes = MemoryWarmer.bytesToWrite(source);
    const outcome = await timedFetch(receiver, name, sender.id, timeoutMs, () =>
      context.memory.warm(writes),
    );
    const senderCpu = cpuSpent(cpuBefore[0], sender.process.cpuSeconds());
    const receiverCpu = cpuSpent(cpuBefore[1], receiver.process.cpuSeconds());
    const transfer = transferOf(outcome.record);
    return {
      ...outcome,
      ...(outcome.ok ? {copyPath: String(transfer.path)} : {}),
      ...(outcome.ok ? {} : {error: String(transfer.error ?? outcome.record.message)}),
      senderPeakRss: sender.process.peakRss(),
      receiverPeakRss: receiver.process.peakRss(),
      ...(senderCpu ? {senderCpu} : {}),
      ...(receiverCpu ? {receiverCpu} : {}),
      senderComplaints: complaints(sender.process.records.slice(since)),
      verified: transfer.verified === true,
    };
  } finally {
    await Promise.all(nodes.map(stopFilerNode));
  }
}

function complaints(records: LineRecord[]): string[] {
  return records
    .filter((record) => record.event === 'log' && /warn|error/.test(String(record.level)))
    .map((record) => String(record.message));
}
