/**
 * The ranged, verified, resumable fetch from one group of sources: composes
 * the part's ledger, the checks before writing, the piece scheduler, the
 * hasher and, when the whole file does not match, the repair.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {downloadFileName} from '../../protocol/safe-name.js';
import {publish} from './download.js';
import {partFileName} from './download-names.js';
import type {FetchDeps, FetchJob, FetchPhase, FetchResult} from './fetch-file.js';
import {HoleKeepingWriter} from './hole-keeping-writer.js';
import {PartLedger} from './part-ledger.js';
import {dropBadKeptBytes, ensureFreeSpace} from './part-preparation.js';
import {PieceScheduler, type PieceSink} from './piece-scheduler.js';
import {PrefixHasher} from './prefix-hasher.js';
import {repairMismatch} from './repair-after-mismatch.js';
import {writeAtPosition} from './write-at.js';
import {STATE_SUFFIX} from './resume-state.js';
import {askHashAgain, type Group} from './source-probe.js';
import {ContentMismatchError, NodeClosingError} from './transfer-errors.js';

/** The ranged, verified, resumable fetch from one group of sources. */
export class RangedFetch {
  private readonly size: number;
  private readonly target: string;
  private readonly partPath: string;
  private readonly statePath: string;
  private readonly ledger: PartLedger;
  private readonly scheduler: PieceScheduler;
  private hasher: PrefixHasher | undefined;

  constructor(
    private readonly job: FetchJob,
    private readonly deps: FetchDeps,
    private readonly group: Group,
  ) {
    this.size = group.info.size;
    const fileName = downloadFileName(job.name);
    const directory = path.resolve(deps.downloadDir);
    this.target = path.join(directory, fileName);
    this.partPath = path.join(directory, partFileName(fileName));
    this.statePath = `${this.partPath}${STATE_SUFFIX}`;
    this.ledger = new PartLedger(
      {
        partPath: this.partPath,
        statePath: this.statePath,
        name: job.name,
        size: this.size,
      },
      group.info.sha256,
      deps,
    );
    this.scheduler = new PieceScheduler({
      sources: group.sources,
      size: this.size,
      written: () => this.ledger.written,
      partPath: this.partPath,
      job,
      deps,
      onProgress: () => this.report('fetching'),
    });
  }

  async run(): Promise<FetchResult> {
    const {deps, job, ledger, size} = this;
    if (ledger.sha256) {
      const local = await deps.findLocal(ledger.sha256, size);
      if (local) {
        deps.log('info', `already have ${job.name}: the same content is at ${local}`);
        return this.result(local, true, 0);
      }
    }
    let resumedBytes = await ledger.resume();
    await ensureFreeSpace(deps, size - resumedBytes);
    const handle = await fs.open(this.partPath, resumedBytes > 0 ? 'r+' : 'w+');
    let keep = false;
    const fresh = resumedBytes === 0;
    try {
      if (!fresh) {
        const {sources} = this.group;
        resumedBytes = await dropBadKeptBytes({
          fd: handle.fd,
          size,
          ledger,
          sources,
          job,
          deps,
        });
      }
      // A fresh part gets its full size at once: regions never written are holes.
      if (fresh) await handle.truncate(size);
      const writer = new HoleKeepingWriter(deps.writeAt ?? writeAtPosition, fresh);
      this.hasher = new PrefixHasher(handle.fd, size, {
        signal: job.signal,
        onFailure: (error) => this.scheduler.failLocally(error),
      });
      for (const [start, end] of ledger.written) this.hasher.markWritten(start, end);
      const sink: PieceSink = {
        fd: handle.fd,
        writeAt: writer.writeAt,
        onBatch: (batch, length, position) => this.hasher?.offer(position, batch, length),
        onWritten: (start, end, sender) => {
          ledger.markWritten(start, end, sender);
          this.hasher?.markWritten(start, end);
          void ledger.save(false);
        },
      };
      await ledger.save(true);
      try {
        await this.scheduler.fetchMissing(sink);
      } catch (error) {
        keep = this.keepsPartAfter(error);
        throw error;
      }
      this.report('verifying');
      let digest = await this.hasher.digest();
      const expected = await this.expectedDigest();
      if (expected !== undefined && digest !== expected) {
        try {
          digest = await this.repair(sink, expected);
        } catch (error) {
          keep = this.keepsPartAfter(error);
          throw error;
        }
      }
      await handle.close();
      const finalPath = await publish(this.partPath, this.target);
      await ledger.discardState();
      const stat = await fs.stat(finalPath);
      deps.remember(finalPath, size, stat.mtimeMs, digest);
      return {
        ...this.result(finalPath, false, resumedBytes),
        verified: expected !== undefined,
        sha256: digest,
      };
    } finally {
      await this.hasher?.close(); // its thread reads through handle.fd
      await handle.close().catch(() => undefined);
      if (keep) {
        await ledger.save(true).catch(() => undefined);
        deps.log(
          'info',
          `kept ${ledger.covered()} of ${size} bytes of ${job.name} for resume`,
        );
      } else {
        await fs.rm(this.partPath, {force: true});
        await ledger.discardState();
      }
    }
  }

  /** A part is kept for resume unless the user cancelled (closing the node keeps it). */
  private keepsPartAfter(error: unknown): boolean {
    const {signal} = this.job;
    const cancelled = signal.aborted && !(signal.reason instanceof NodeClosingError);
    return (
      this.ledger.sha256 !== undefined &&
      !cancelled &&
      !(error instanceof ContentMismatchError) &&
      this.ledger.covered() > 0
    );
  }

  /** The hash the sources announced, else the one they may have computed since. */
  private async expectedDigest(): Promise<string | undefined> {
    if (this.ledger.sha256 !== undefined) return this.ledger.sha256;
    this.report('hashing');
    const {job, size} = this;
    return askHashAgain(
      this.group.sources,
      {name: job.name, wireName: job.wireName, size},
      this.deps,
      job.signal,
    );
  }

  private async repair(sink: PieceSink, expected: string): Promise<string> {
    // Each try is checked by a pass of its own: the fetch's hasher is done.
    await this.hasher?.close();
    this.hasher = undefined;
    this.report('hashing');
    return repairMismatch({
      fd: sink.fd,
      size: this.size,
      expected,
      sources: this.group.sources,
      job: this.job,
      deps: this.deps,
      sendersOf: (start, end) => this.ledger.sendersOf(start, end),
      fetchAgain: async (ranges, from) => {
        this.ledger.forget(ranges);
        await this.ledger.save(true);
        await this.scheduler.fetchMissing(sink, from);
      },
      report: (phase) => this.report(phase),
    });
  }

  private result(file: string, alreadyHad: boolean, resumedBytes: number): FetchResult {
    return {
      path: file,
      name: path.basename(file),
      size: this.size,
      owner: this.scheduler.lastOwner,
      sha256: this.ledger.sha256,
      verified: alreadyHad,
      resumedBytes,
      alreadyHad,
      sourcesUsed: this.scheduler.sourcesUsed(),
    };
  }

  private report(phase: FetchPhase): void {
    const inFlight = this.scheduler.inFlight();
    this.job.onUpdate({
      phase,
      received: Math.min(this.size, this.ledger.covered() + inFlight.bytes),
      total: this.size,
      sources: phase === 'fetching' ? inFlight.sending : 0,
      owner: this.scheduler.lastOwner,
    });
  }
}
