/**
 * Before a ranged fetch writes into its part file: the disk must have room
 * for the bytes still missing, and bytes kept from an earlier fetch are
 * checked against a source's file before anything builds on them.
 */
import fs from 'node:fs/promises';
import type {FetchDeps, FetchJob, Source} from './fetch-file.js';
import {checkKeptBytes} from './kept-bytes-check.js';
import type {PartLedger} from './part-ledger.js';
import {NoSpaceError} from './transfer-errors.js';

export async function ensureFreeSpace(
  deps: Pick<FetchDeps, 'downloadDir' | 'freeSpace'>,
  needed: number,
): Promise<void> {
  const free = await (deps.freeSpace ?? freeBytes)(deps.downloadDir).catch(
    () => Infinity,
  );
  if (free < needed) throw new NoSpaceError(deps.downloadDir, needed, free);
}

async function freeBytes(directory: string): Promise<number> {
  const stats = await fs.statfs(directory);
  return stats.bavail * stats.bsize;
}

export type KeptCheckRequest = {
  /** The part file, opened. */
  fd: number;
  size: number;
  ledger: PartLedger;
  sources: readonly Source[];
  job: Pick<FetchJob, 'name' | 'wireName' | 'signal' | 'onUpdate'>;
  deps: Pick<FetchDeps, 'log' | 'requestOptions'>;
};

/** Drops kept chunks that differ from a source's file; returns the bytes still kept. */
export async function dropBadKeptBytes(request: KeptCheckRequest): Promise<number> {
  const {size, ledger, job, deps} = request;
  job.onUpdate({phase: 'hashing', received: 0, total: size, sources: 0});
  const check = await checkKeptBytes({
    fd: request.fd,
    kept: ledger.written,
    wireName: job.wireName,
    sources: request.sources,
    options: deps.requestOptions,
    signal: job.signal,
  });
  const kept = ledger.covered();
  if (check.kind === 'unchecked') {
    deps.log(
      'info',
      `${job.name}: kept bytes not checked now (${check.why}); the whole file is checked at the end`,
    );
    return kept;
  }
  if (check.bad.length === 0) {
    deps.log('info', `${job.name}: the ${kept} kept bytes match ${check.by}'s file`);
    return kept;
  }
  ledger.forget(check.bad);
  const dropped = kept - ledger.covered();
  deps.log(
    'warn',
    `${job.name}: ${dropped} of ${kept} kept bytes (${check.bad.length} chunk(s)) differ from ${check.by}'s file; fetching them again`,
  );
  await ledger.save(true);
  return ledger.covered();
}
