/**
 * The fallback for sources that speak only the original protocol: the whole
 * file with plain FGET from one source after the other, no ranges, no hash.
 */
import {describeError} from '../../protocol/errors.js';
import {downloadToFile} from './download.js';
import type {FetchDeps, FetchJob, FetchResult, Source} from './fetch-file.js';
import {afterFailure} from './source-fallback.js';

export async function plainFetch(
  job: FetchJob,
  deps: FetchDeps,
  sources: readonly Source[],
): Promise<FetchResult> {
  let lastError: unknown;
  for (const source of sources) {
    try {
      let total: number | undefined;
      const result = await downloadToFile({
        address: source.address,
        wireName: job.wireName,
        name: job.name,
        downloadDir: deps.downloadDir,
        connectTimeoutMs: deps.connectTimeoutMs,
        idleTimeoutMs: deps.idleTimeoutMs,
        registry: deps.registry,
        signal: job.signal,
        writeAt: deps.writeAt,
        onHeader: (size) => {
          total = size;
          job.onUpdate({
            phase: 'fetching',
            received: 0,
            total,
            sources: 1,
            owner: source.id,
          });
        },
        onProgress: (received) =>
          job.onUpdate({
            phase: 'fetching',
            received,
            total,
            sources: 1,
            owner: source.id,
          }),
      });
      return {
        ...result,
        owner: source.id,
        verified: false,
        resumedBytes: 0,
        alreadyHad: false,
        sourcesUsed: 1,
      };
    } catch (error) {
      lastError = error;
      if (afterFailure(error).dropOwner) job.onSourceGone?.(source.id);
      if (!afterFailure(error).next) break;
      deps.log(
        'warn',
        `fetch of ${job.name} from ${source.id} failed: ${describeError(error)}`,
      );
    }
  }
  throw lastError;
}
