/**
 * The small file beside a part file that makes it resumable: which content
 * it holds (size and SHA-256) and which byte ranges are already written.
 * Written atomically (temporary file, then rename), so a crash leaves the old
 * state or the new one, never half of one.
 *
 * Stale rule: a part file with a state file is kept until its content is
 * fetched again, or until STALE_PART_MS passed since its state was last
 * written; a part file without one (a plain FGET cut by kill -9) is removed
 * once it is STALE_PART_MS old. Cleaning runs before each fetch.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {type Range, mergeRanges} from './byte-ranges.js';

export const STALE_PART_MS = 7 * 24 * 60 * 60 * 1000;
const FORMAT = 1;
export const STATE_SUFFIX = '.state';

export type ResumeState = {
  name: string;
  size: number;
  sha256: string;
  /** Ranges [start, end) whose bytes are in the part file. */
  done: Range[];
};

export async function readResumeState(file: string): Promise<ResumeState | undefined> {
  try {
    const stored = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    const {format, name, size, sha256, done} = stored;
    if (
      format !== FORMAT ||
      typeof name !== 'string' ||
      !Number.isSafeInteger(size) ||
      typeof sha256 !== 'string' ||
      !Array.isArray(done)
    ) {
      return undefined;
    }
    const ranges = done.filter(
      (range): range is Range =>
        Array.isArray(range) &&
        range.length === 2 &&
        Number.isSafeInteger(range[0]) &&
        Number.isSafeInteger(range[1]) &&
        0 <= range[0] &&
        range[0] < range[1] &&
        range[1] <= (size as number),
    );
    return {name, size: size as number, sha256, done: mergeRanges(ranges)};
  } catch {
    return undefined;
  }
}

export async function writeResumeState(file: string, state: ResumeState): Promise<void> {
  const temporary = `${file}.tmp`;
  await fs.writeFile(temporary, JSON.stringify({format: FORMAT, ...state}));
  await fs.rename(temporary, file);
}

/** Removes part files (and their state) that the stale rule says nobody will resume. */
export async function cleanStaleParts(directory: string, now: number): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const present = new Set(names);
  for (const name of names) {
    if (!name.endsWith('.part')) continue;
    const part = path.join(directory, name);
    const stateName = `${name}${STATE_SUFFIX}`;
    const judged = present.has(stateName) ? path.join(directory, stateName) : part;
    try {
      const stat = await fs.stat(judged);
      if (now - stat.mtimeMs < STALE_PART_MS) continue;
      await fs.rm(part, {force: true});
      if (present.has(stateName))
        await fs.rm(path.join(directory, stateName), {force: true});
      removed.push(name);
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}
