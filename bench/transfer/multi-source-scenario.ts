/**
 * The multi scenario: three filer-tui processes share the same file, a fourth
 * joins through the first, searches, and fetches by name. Prints how many of
 * the sources served bytes, the rate against a kernel copy of the same file,
 * and every process's peak memory.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {makeDir, type ScenarioContext} from './context.js';
import {
  startFilerNode,
  waitForHashed,
  stopFilerNode,
  timedFetch,
  transferOf,
  waitForLocalFile,
  type FilerNode,
} from './filer-cli.js';
import {hashInChild, writeRandomFile} from './files.js';
import {kernelCopy} from './kernel-baseline.js';
import {cpuSpent, type LineRecord} from './line-process.js';
import {megabytesPerSecond, memory, rate, ratio, sizeText} from './report.js';

const DISCOVERY_TIMEOUT_MS = 15_000;

export async function runMultiSourceScenario(context: ScenarioContext): Promise<void> {
  const size = context.options.multiSize;
  const sourceCount = context.options.multiSources;
  const directory = await makeDir(context, 'multi');
  const downloadDir = await makeDir(context, 'multi-download');
  const name = 'multi-source.bin';
  const source = path.join(directory, name);
  context.print(
    `multi: a ${sizeText(size)} file held by ${sourceCount} filer-tui processes, ` +
      `fetched by one more`,
  );
  await writeRandomFile(source, size);
  const common = {
    cliPath: context.options.cliPath,
    cpuProfDir: context.options.cpuProfDir,
    downloadDir,
  };
  const nodes: FilerNode[] = [];
  try {
    const sources: FilerNode[] = [];
    for (let index = 1; index <= sourceCount; index++) {
      const node = await startFilerNode({
        ...common,
        label: `multi-source-${index}`,
        cpu: context.pinning?.sender,
        shares: [source],
        ...(sources[0] ? {firstPeer: sources[0].id} : {}),
        // Debug lines: "hashed" (the share is ready) and the ranges it sends.
        verbose: true,
      });
      nodes.push(node);
      sources.push(node);
      await waitForLocalFile(node, name);
    }
    await Promise.all(sources.map((node) => waitForHashed(node)));
    const first = sources[0] as FilerNode;
    await waitForEvents(first, 'peer-added', sourceCount - 1);
    const fetcher = await startFilerNode({
      ...common,
      label: 'multi-fetcher',
      cpu: context.pinning?.verifyingReceiver,
      firstPeer: first.id,
    });
    nodes.push(fetcher);
    // A node that holds the name answers a search and does not forward it, so
    // the fetcher must neighbour every source (the join through the first reaches all).
    await waitForEvents(fetcher, 'peer-added', sourceCount).catch(() => undefined);
    const searchSince = fetcher.process.mark();
    fetcher.process.send(`search ${name}`);
    const owners = await collectOwners(fetcher, name, searchSince, sourceCount);
    context.print(
      `  the fetcher found ${owners.size} of ${sourceCount} sources by search`,
    );

    const serveSince = sources.map((node) => node.process.mark());
    const cpuBefore = [fetcher, ...sources].map((node) => node.process.cpuSeconds());
    const outcome = await timedFetch(fetcher, name, undefined, 600_000, () =>
      context.memory.warm(size),
    );
    const cpuPerGb = [fetcher, ...sources].map((node, index) => {
      const spent = cpuSpent(cpuBefore[index], node.process.cpuSeconds());
      return spent ? ((spent.user + spent.system) * 1e9) / size : undefined;
    });
    const transfer = transferOf(outcome.record);
    const served = sources.filter((node, index) =>
      node.process.records
        .slice(serveSince[index])
        .some(
          (record) =>
            record.event === 'log' &&
            String(record.message).startsWith(`sending ${name}`),
        ),
    );
    context.print(
      `  sources that sent bytes: ${served.length} of ${sourceCount} ` +
        `(${served.map((node) => node.id).join(', ') || 'none'}); ` +
        `transfer owner ${String(transfer.owner)}`,
    );
    if (!outcome.ok) {
      context.print(`  failed: ${String(transfer.error ?? outcome.record.message)}`);
    } else {
      const copy = await hashInChild(String(transfer.path));
      const original = await hashInChild(source);
      await fs.rm(String(transfer.path), {force: true});
      if (copy.sha256 !== original.sha256) throw new Error('multi: the copy differs');
      const kernel = await kernelCopy(
        source,
        path.join(directory, 'kernel.bin'),
        context.pinning,
        () => context.memory.warm(size),
      );
      const filerRate = megabytesPerSecond(size, outcome.seconds);
      const kernelRate = megabytesPerSecond(size, kernel.seconds);
      // The fetch is verified: like the main scenario's, its ceiling is one core's SHA-256.
      const sha256Rate = Math.max(
        ...[copy, original].map((hash) => megabytesPerSecond(hash.bytes, hash.seconds)),
      );
      context.print(
        `  fetch ${rate(filerRate)}, kernel copy of the same file ${rate(kernelRate)}, ` +
          `ratio ${ratio(filerRate / kernelRate)}; sha256 one core ${rate(sha256Rate)}, ` +
          `fetch / min(kernel, sha256) ${ratio(filerRate / Math.min(kernelRate, sha256Rate))} ` +
          `(one round each)`,
      );
    }
    const seconds = (value: number | undefined): string =>
      value === undefined ? 'n/a' : `${value.toFixed(2)} s`;
    context.print(
      `  CPU per GB moved: fetcher ${seconds(cpuPerGb[0])}, sources ` +
        cpuPerGb.slice(1).map(seconds).join(', '),
    );
    context.print(
      `  peak RSS: fetcher ${memory(fetcher.process.peakRss())}, sources ` +
        sources.map((node) => memory(node.process.peakRss())).join(', '),
    );
  } finally {
    await Promise.all(nodes.map(stopFilerNode));
  }
}

/** Waits for the `count`-th line of `event` from a node. */
function waitForEvents(
  node: FilerNode,
  event: string,
  count: number,
): Promise<LineRecord> {
  let seen = 0;
  return node.process.waitFor((record) => record.event === event && ++seen >= count, {
    timeoutMs: DISCOVERY_TIMEOUT_MS,
  });
}

/**
 * Owners of `name` as the fetcher's catalogue lists them (file-added lines
 * carry the owner list each time it grows); stops at `wanted` or the timeout.
 */
async function collectOwners(
  node: FilerNode,
  name: string,
  since: number,
  wanted: number,
): Promise<Set<string>> {
  const owners = new Set<string>();
  await node.process
    .waitFor(
      (record) => {
        const file = record.file as {name?: unknown; owners?: unknown} | undefined;
        if (record.event === 'file-added' && file?.name === name) {
          for (const owner of Array.isArray(file.owners) ? file.owners : []) {
            owners.add(String(owner));
          }
        }
        return owners.size >= wanted;
      },
      {since, timeoutMs: DISCOVERY_TIMEOUT_MS},
    )
    .catch(() => undefined);
  return owners;
}
