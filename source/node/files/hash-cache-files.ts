/**
 * Where a node keeps its hash cache: one file per node port,
 * `<stateDir>/hashes-<port>.json`. Several nodes of one user then neither
 * load each other's hashes (200 nodes each loading one shared file of up to
 * hash-cache-entries records took GBs) nor overwrite each other's saves.
 * A node on port 0 (any free port) keeps its hashes in memory only: no later
 * node could find its file again.
 *
 * Stale rule: when a node loads its cache, the other hash cache files in the
 * state directory (and the shared `hashes.json` of older versions, and
 * temporary files a crash left) that nothing wrote for STALE_HASH_CACHE_MS
 * are removed.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export const STALE_HASH_CACHE_MS = 30 * 24 * 60 * 60 * 1000;

const CACHE_FILE_NAME = /^hashes(-\d{1,5})?\.json(\.\d+\.tmp)?$/;

/** The cache file of the node on `port`; undefined: memory only. */
export function hashCacheFile(stateDir: string, port: number): string | undefined {
  if (!stateDir || port === 0) return undefined;
  return path.join(stateDir, `hashes-${port}.json`);
}

/** Removes hash cache files other than `own` that the stale rule says are abandoned. */
export async function removeStaleHashCaches(own: string, now: number): Promise<string[]> {
  const directory = path.dirname(own);
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const file = path.join(directory, name);
    if (file === own || !CACHE_FILE_NAME.test(name)) continue;
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile() || now - stat.mtimeMs < STALE_HASH_CACHE_MS) continue;
      await fs.rm(file, {force: true});
      removed.push(name);
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}
