/**
 * Launch to first frame: the built CLI started in a pseudo-terminal (util-linux
 * `script`) of 120×40, timed from spawn to the first bytes of its first frame
 * and to the App's own frame; five runs each, median. The baseline in the
 * same run is `node` printing one line through the same pseudo-terminal: what
 * starting any Node program costs on this machine right now.
 */
import {spawn, spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import {summarize, type Summary} from './ui-terminal.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export function scriptAvailable(): boolean {
  return spawnSync('script', ['--version'], {stdio: 'ignore'}).status === 0;
}

type Marks = Record<string, number>;

/** Runs `command` in a 120×40 pty; the time each of `marks` first appears in its output. */
function timeToText(command: string, marks: Record<string, string>): Promise<Marks> {
  const env = {...process.env};
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  const start = performance.now();
  const child = spawn(
    'script',
    ['-qfec', `stty cols 120 rows 40; exec ${command}`, '/dev/null'],
    {
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
      env,
    },
  );
  const found: Marks = {};
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no ${JSON.stringify(marks)} in 20 s`)),
      20_000,
    );
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
      if (error) reject(error);
      else resolve(found);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      for (const [name, mark] of Object.entries(marks)) {
        if (found[name] === undefined && text.includes(mark))
          found[name] = performance.now() - start;
      }
      if (Object.keys(found).length === Object.keys(marks).length) finish();
    });
    child.on('error', (error) => finish(error));
  });
}

export type LaunchFigures = {baseline: Summary; firstFrame: Summary; appFrame: Summary};

export async function measureLaunch(runs = 5): Promise<LaunchFigures> {
  const baseline: number[] = [];
  const firstFrame: number[] = [];
  const appFrame: number[] = [];
  for (let run = 0; run < runs; run++) {
    const floor = await timeToText(`${process.execPath} -e "console.log('ready')"`, {
      ready: 'ready',
    });
    baseline.push(floor.ready ?? Number.NaN);
    const ui = await timeToText(
      `${process.execPath} ${CLI} 0 5 --bind 127.0.0.1 --host 127.0.0.1`,
      // The plain frame shows the pane titles; only the App's says "no peers yet".
      {first: 'Available Files', app: 'no peers yet'},
    );
    firstFrame.push(ui.first ?? Number.NaN);
    appFrame.push(ui.app ?? Number.NaN);
  }
  return {
    baseline: summarize(baseline),
    firstFrame: summarize(firstFrame),
    appFrame: summarize(appFrame),
  };
}
