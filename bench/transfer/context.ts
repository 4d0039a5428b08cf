/** What every scenario gets: the options, its own work directory, and output. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type {Pinning} from './cpu-pinning.js';
import type {MemoryWarmer} from './free-memory.js';
import type {BenchOptions} from './options.js';

export type ScenarioContext = {
  options: BenchOptions;
  /** Removed with everything in it when the run ends. */
  workDir: string;
  print: (line: string) => void;
  /** CPUs for the sending and receiving ends, unless the scheduler chooses. */
  pinning?: Pinning;
  /** Called just before each timed transfer. */
  memory: MemoryWarmer;
};

/** A fresh directory under the work directory. */
export async function makeDir(context: ScenarioContext, name: string): Promise<string> {
  const directory = path.join(context.workDir, name);
  await fs.mkdir(directory, {recursive: true});
  return directory;
}
