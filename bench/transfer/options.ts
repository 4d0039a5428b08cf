/** Command-line options of `npm run bench:transfer`, checked into one object. */
import fs from 'node:fs';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

export const SCENARIOS = ['main', 'large', 'multi'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type BenchOptions = {
  scenarios: Scenario[];
  /** Main scenario: file size and rounds. */
  size: number;
  rounds: number;
  /** The sparse file of the "large" scenario. */
  largeSize: number;
  /** The file of the "multi" scenario, and how many sources hold it. */
  multiSize: number;
  multiSources: number;
  /** The built CLI to start (another build can be compared with --cli). */
  cliPath: string;
  /** When set, filer nodes run with --cpu-prof and write profiles here. */
  cpuProfDir?: string;
  /** Senders and receivers on separate CPUs (taskset), when possible. */
  pin: boolean;
  /** Write and delete a scratch file before each timed transfer (free-memory.ts). */
  warmMemory: boolean;
};

export const USAGE = `npm run bench:transfer -- [options]
  --scenario LIST    comma-separated: main,large,multi (default: all three)
  --size SIZE        main scenario file size (default 1G; e.g. 256M, 1.5G, 1048576)
  --rounds N         alternating rounds of the main scenario (default 3)
  --large-size SIZE  sparse file of the large scenario (default 6G)
  --multi-size SIZE  file of the multi scenario (default 1G)
  --sources N        sources holding it in the multi scenario, 2 to 8 (default 3;
                     8 is the most a fetch asks at once, fetch-probed-owners)
  --cli PATH         built CLI to benchmark (default dist/cli.js)
  --cpu-prof DIR     run the filer nodes with node --cpu-prof, profiles into DIR
  --no-pin           let the scheduler place the processes (default: every sender
                     on CPU 0, every receiver on CPU 1, a verifying receiver on
                     all CPUs, with taskset)
  --no-warm-memory   neither write and delete a scratch file before each timed
                     transfer nor hold back this VM's free page reporting
                     (free-memory.ts says why both are there)
  --help             this text`;

const DEFAULT_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export class OptionError extends Error {}

/** "1G", "256M", "64K", "1.5G", "1048576" (binary units) → bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new OptionError(`not a size: "${text}" (try 256M or 1G)`);
  const unit = ' kmgt'.indexOf((match[2] ?? '').toLowerCase() || ' ');
  const bytes = Math.round(Number(match[1]) * 1024 ** unit);
  if (bytes < 1) throw new OptionError(`size must be at least 1 byte: "${text}"`);
  return bytes;
}

export function parseOptions(argv: string[]): BenchOptions {
  let values;
  try {
    ({values} = parseArgs({
      args: argv,
      options: {
        scenario: {type: 'string'},
        size: {type: 'string'},
        rounds: {type: 'string'},
        'large-size': {type: 'string'},
        'multi-size': {type: 'string'},
        sources: {type: 'string'},
        cli: {type: 'string'},
        'cpu-prof': {type: 'string'},
        'no-pin': {type: 'boolean'},
        'no-warm-memory': {type: 'boolean'},
      },
    }));
  } catch (error) {
    throw new OptionError((error as Error).message);
  }
  const scenarios = (values.scenario ?? SCENARIOS.join(',')).split(',').map((name) => {
    const scenario = SCENARIOS.find((known) => known === name.trim());
    if (!scenario) throw new OptionError(`unknown scenario "${name}"`);
    return scenario;
  });
  const rounds = Number(values.rounds ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 99) {
    throw new OptionError(`--rounds must be a whole number from 1 to 99`);
  }
  const multiSources = Number(values.sources ?? 3);
  if (!Number.isInteger(multiSources) || multiSources < 2 || multiSources > 8) {
    throw new OptionError(`--sources must be a whole number from 2 to 8`);
  }
  const cliPath = values.cli ?? DEFAULT_CLI;
  if (!fs.existsSync(cliPath)) {
    throw new OptionError(`${cliPath} does not exist; run npm run build first`);
  }
  return {
    scenarios,
    size: parseSize(values.size ?? '1G'),
    rounds,
    largeSize: parseSize(values['large-size'] ?? '6G'),
    multiSize: parseSize(values['multi-size'] ?? '1G'),
    multiSources,
    cliPath,
    pin: values['no-pin'] !== true,
    warmMemory: values['no-warm-memory'] !== true,
    ...(values['cpu-prof'] ? {cpuProfDir: values['cpu-prof']} : {}),
  };
}
