/**
 * The large scenario: a sparse file over 4 GiB − 1 (6 GiB by default) between
 * two filer-tui processes. The original wire format cannot carry it in one
 * FGET; this prints what happens, and once it travels, its rate and memory.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {makeDir, type ScenarioContext} from './context.js';
import {fetchBetweenTwoNodes} from './filer-pair.js';
import {hashInChild, writeSparseFile} from './files.js';
import {megabytesPerSecond, memory, rate, sizeText} from './report.js';

/** Room kept free beyond the copy itself. */
const SPARE_DISK_BYTES = 1024 ** 3;

export async function runLargeFileScenario(context: ScenarioContext): Promise<void> {
  const size = context.options.largeSize;
  const directory = await makeDir(context, 'large');
  context.print(`large: a ${sizeText(size)} sparse file between two filer-tui processes`);
  const free = await fs.statfs(directory);
  if (free.bavail * free.bsize < size + SPARE_DISK_BYTES) {
    context.print(
      `  skipped: the copy needs ${sizeText(size)} and ` +
        `${sizeText(free.bavail * free.bsize)} is free in ${directory}`,
    );
    return;
  }
  const source = path.join(directory, 'sparse-large.bin');
  await writeSparseFile(source, size);
  // At 50 MB/s or better, plus start-up.
  const run = await fetchBetweenTwoNodes(context, source, 'large', 60_000 + size / 50e3);
  const memoryText =
    `peak RSS sender ${memory(run.senderPeakRss)}, ` +
    `receiver ${memory(run.receiverPeakRss)}`;
  if (!run.ok || run.copyPath === undefined) {
    context.print(`  failed after ${run.seconds.toFixed(2)} s; receiver: ${run.error}`);
    for (const complaint of run.senderComplaints) {
      context.print(`  sender: ${complaint}`);
    }
    context.print(`  ${memoryText}`);
    return;
  }
  const [original, copy] = [await hashInChild(source), await hashInChild(run.copyPath)];
  await fs.rm(run.copyPath, {force: true});
  const same = copy.bytes === size && copy.sha256 === original.sha256;
  context.print(
    `  arrived in ${run.seconds.toFixed(2)} s: ${rate(megabytesPerSecond(size, run.seconds))}, ` +
      `${same ? 'byte-identical' : `DIFFERENT (${copy.bytes} bytes)`}; ${memoryText}`,
  );
  if (!same) throw new Error('large: the copy differs from the source');
}
