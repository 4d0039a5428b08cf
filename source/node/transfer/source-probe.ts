/**
 * What the sources of a file tell about it (FINF): which of them hold the
 * same content to fetch ranges from, which speak only the original protocol
 * (plain FGET), and, by the end of a fetch, the hash they may have computed
 * since.
 */
import {FilerError} from '../../protocol/errors.js';
import type {FileInfo} from '../../protocol/transfer-messages.js';
import {limitDefault, limitHit} from '../limits.js';
import type {FetchDeps, FetchJob, Source} from './fetch-file.js';
import {askFileInfo} from './file-info-client.js';
import {afterFailure} from './source-fallback.js';

/** Sources asked for FINF at once; more are used only as plain FGET fallbacks. */
const MAX_PROBED_SOURCES = limitDefault('fetch-probed-owners');

export type Group = {info: FileInfo; sources: Source[]};

/** A group to fetch ranges from, else the sources left for plain FGET. */
export type ProbeOutcome = {group: Group} | {plain: Source[]};

/** Asks the sources at once; forgets those that cannot be reached. */
export async function probeSources(
  job: Pick<FetchJob, 'sources' | 'wireName' | 'signal' | 'onSourceGone'>,
  deps: Pick<FetchDeps, 'log' | 'requestOptions'>,
): Promise<ProbeOutcome> {
  if (job.sources.length > MAX_PROBED_SOURCES) {
    limitHit(
      deps.log,
      'fetch-probed-owners',
      'this node',
      `${job.sources.length} owners of ${job.wireName}, FINF asked of ${MAX_PROBED_SOURCES}`,
    );
  }
  // A cancel ends every FINF at once, not after a silent source's timeout.
  const options = {...deps.requestOptions, signal: job.signal};
  const answers = await Promise.all(
    job.sources.slice(0, MAX_PROBED_SOURCES).map(async (source) => {
      try {
        return {source, answer: await askFileInfo(source.address, job.wireName, options)};
      } catch (error) {
        return {source, error};
      }
    }),
  );
  job.signal.throwIfAborted();
  for (const entry of answers) {
    if (entry.error && afterFailure(entry.error).dropOwner)
      job.onSourceGone?.(entry.source.id);
  }
  const informed = answers.flatMap((entry) =>
    entry.answer?.kind === 'info'
      ? [{source: entry.source, info: entry.answer.info}]
      : [],
  );
  const group = chooseGroup(informed);
  if (group) return {group};
  // No filer-tui source: plain FGET from the others, in order.
  const failed = new Set(answers.filter((entry) => entry.error).map((e) => e.source.id));
  const plain = job.sources.filter((source) => !failed.has(source.id));
  const firstError = answers.find((entry) => entry.error)?.error;
  if (plain.length === 0) throw firstError ?? new FilerError('ERR_NO_OWNER', 'no source');
  return {plain};
}

/** The content most sources agree on; a known hash beats an unknown one. */
export function chooseGroup(
  informed: ReadonlyArray<{source: Source; info: FileInfo}>,
): Group | undefined {
  const groups = new Map<string, Group>();
  for (const {source, info} of informed) {
    const key = `${info.size} ${info.sha256 ?? '-'}`;
    const group = groups.get(key) ?? {info, sources: []};
    group.sources.push(source);
    groups.set(key, group);
  }
  const ranked = [...groups.values()].sort(
    (a, b) =>
      Number(b.info.sha256 !== undefined) - Number(a.info.sha256 !== undefined) ||
      b.sources.length - a.sources.length,
  );
  return ranked[0];
}

/** Sources hash in the background: by the end of a fetch they may know it. */
export async function askHashAgain(
  sources: readonly Source[],
  file: {name: string; wireName: Buffer; size: number},
  deps: Pick<FetchDeps, 'log' | 'requestOptions'>,
  signal: AbortSignal,
): Promise<string | undefined> {
  const options = {...deps.requestOptions, signal};
  for (const source of sources) {
    try {
      const answer = await askFileInfo(source.address, file.wireName, options);
      if (
        answer.kind === 'info' &&
        answer.info.size === file.size &&
        answer.info.sha256
      ) {
        return answer.info.sha256;
      }
    } catch {
      signal.throwIfAborted(); // else the next source
    }
  }
  deps.log('info', `${file.name}: no source knew its hash; not verified`);
  return undefined;
}
