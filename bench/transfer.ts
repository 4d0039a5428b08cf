/**
 * Loopback transfer benchmark (`npm run bench`): FilerNode fetch throughput
 * against a baseline of raw TCP piping the same file to disk, in the same
 * run, with the peak RSS of this process during each transfer. A streamed
 * transfer keeps the peak flat whatever the file size.
 */
import {createReadStream, createWriteStream} from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import {
  LOOPBACK,
  MiB,
  sha256File,
  TestNetwork,
  writeRandomFile,
} from '../test/support/network.js';

const FILE_SIZES = [16 * MiB, 256 * MiB];
const RUNS = 3;
const RSS_SAMPLE_MS = 50;

type Measurement = {seconds: number; peakRss: number};
type Method = 'raw TCP' | 'filer';

/** Runs `transfer` while sampling process.memoryUsage().rss every 50 ms. */
async function measure(transfer: () => Promise<void>): Promise<Measurement> {
  let peakRss = process.memoryUsage().rss;
  const sample = (): void => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  const started = process.hrtime.bigint();
  try {
    await transfer();
  } finally {
    clearInterval(sampler);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  sample();
  return {seconds, peakRss};
}

/** The baseline: a server that pipes the file into the socket, a client that pipes it to disk. */
async function rawTcpCopy(source: string, target: string): Promise<void> {
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    pipeline(createReadStream(source), socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  try {
    const {port} = server.address() as net.AddressInfo;
    const socket = net.connect({host: LOOPBACK, port});
    await pipeline(socket, createWriteStream(target, {flags: 'wx'}));
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function expectCopy(source: string, copy: string, checkHash: boolean) {
  const [{size: expected}, {size}] = await Promise.all([fs.stat(source), fs.stat(copy)]);
  if (size !== expected) throw new Error(`${copy}: ${size} of ${expected} bytes`);
  if (checkHash && (await sha256File(copy)) !== (await sha256File(source))) {
    throw new Error(`${copy} differs from ${source}`);
  }
}

async function benchSize(
  network: TestNetwork,
  workDir: string,
  size: number,
): Promise<Record<Method, Measurement[]>> {
  const name = `bench-${size / MiB}MiB.bin`;
  const source = path.join(workDir, name);
  await writeRandomFile(source, size);
  const owner = await network.startNode();
  await owner.addShare(source);
  const results: Record<Method, Measurement[]> = {'raw TCP': [], filer: []};
  try {
    for (let run = 0; run < RUNS; run++) {
      // Interleaved, so that neither method always meets a warmer page cache.
      const rawTarget = path.join(workDir, `raw-${run}.bin`);
      results['raw TCP'].push(await measure(() => rawTcpCopy(source, rawTarget)));
      await expectCopy(source, rawTarget, run === 0);
      await fs.rm(rawTarget);

      const fetcher = await network.startNode();
      let copy = '';
      results.filer.push(
        await measure(async () => {
          const transfer = await fetcher.fetch(name, owner.id);
          copy = transfer.path as string;
        }),
      );
      await fetcher.close();
      await expectCopy(source, copy, run === 0);
      await fs.rm(copy);
    }
  } finally {
    await fs.rm(source, {force: true});
  }
  return results;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function megabytesPerSecond(size: number, measurements: Measurement[]): number {
  return size / 1e6 / median(measurements.map((measurement) => measurement.seconds));
}

function peakMiB(measurements: Measurement[]): string {
  return `${(Math.max(...measurements.map((m) => m.peakRss)) / MiB).toFixed(0)} MiB`;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  for (const [index, row] of rows.entries()) {
    console.log(
      row.map((cell, column) => cell.padStart(widths?.[column] ?? 0)).join('  '),
    );
    if (index === 0) console.log(widths?.map((width) => '-'.repeat(width)).join('  '));
  }
}

async function main(): Promise<void> {
  const network = new TestNetwork();
  const rows = [
    ['file', 'raw TCP MB/s', 'filer MB/s', 'filer/raw', 'peak RSS raw', 'peak RSS filer'],
  ];
  const startRss = (process.memoryUsage().rss / MiB).toFixed(0);
  console.log(
    `loopback fetch, median of ${RUNS} runs (MB = 10^6 bytes); RSS sampled every ` +
      `${RSS_SAMPLE_MS} ms, ${startRss} MiB at start (node ${process.version})`,
  );
  try {
    const workDir = await network.tempDir('bench');
    for (const size of FILE_SIZES) {
      const results = await benchSize(network, workDir, size);
      const raw = megabytesPerSecond(size, results['raw TCP']);
      const filer = megabytesPerSecond(size, results.filer);
      rows.push([
        `${size / MiB} MiB`,
        raw.toFixed(0),
        filer.toFixed(0),
        (filer / raw).toFixed(2),
        peakMiB(results['raw TCP']),
        peakMiB(results.filer),
      ]);
    }
  } finally {
    await network.close();
  }
  printTable(rows);
}

await main();
