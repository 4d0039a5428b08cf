/**
 * A tiny tmux driver for end-to-end tests: one private tmux server (its own
 * socket name, so other sessions are never touched), one window, and helpers
 * to type keys, read the screen and wait for text with a bounded timeout.
 */
import {execFile, spawnSync} from 'node:child_process';
import {rm} from 'node:fs/promises';
import {setTimeout as delay} from 'node:timers/promises';
import {eventually, type EventuallyOptions} from '../support/eventually.js';

/** True when a `tmux` binary can be run. */
export function tmuxAvailable(): boolean {
  const result = spawnSync('tmux', ['-V'], {stdio: 'ignore'});
  return result.error === undefined && result.status === 0;
}

/** The environment without TMUX, so that running inside tmux does not matter. */
function tmuxEnv(): NodeJS.ProcessEnv {
  const env = {...process.env};
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}

/** Quotes one word for `sh -c` (tmux runs the session command through the shell). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Screens are read every 50 ms unless told otherwise. */
const SCREEN_INTERVAL_MS = 50;

export type ScreenWaitOptions = EventuallyOptions & {
  /** Stop waiting at once when the screen shows this (e.g. the program died). */
  failIf?: ScreenCondition;
};

export type TmuxStartOptions = {
  width: number;
  height: number;
  cwd?: string;
  /** Variables set for the session's command (`new-session -e`). */
  env?: Record<string, string>;
};

/** Screen text matched by a regular expression, a substring or a predicate. */
export type ScreenCondition = RegExp | string | ((screen: string) => boolean);

function matches(screen: string, condition: ScreenCondition): boolean {
  if (typeof condition === 'string') return screen.includes(condition);
  if (condition instanceof RegExp) return condition.test(screen);
  return condition(screen);
}

export class TmuxSession {
  readonly socket: string;
  readonly name = 'e2e';
  private started = false;
  private socketPath: string | undefined;
  /** Process group of the pane's command: tmux makes its shell a group leader. */
  private commandGroup: number | undefined;

  constructor(socket = `filer-e2e-${process.pid}`) {
    this.socket = socket;
  }

  /** Target of the session's only pane. */
  get target(): string {
    return `${this.name}:0.0`;
  }

  /** Runs `tmux -L <socket> ...args`; rejects with tmux's stderr on failure. */
  tmux(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'tmux',
        ['-L', this.socket, ...args],
        {encoding: 'utf8', timeout: 5_000, env: tmuxEnv()},
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new Error(
                `tmux ${args[0] ?? ''} failed: ${stderr.trim() || error.message}`,
              ),
            );
          } else {
            resolve(stdout);
          }
        },
      );
    });
  }

  /**
   * Starts a detached session of the given size running `command` (a shell
   * command line). The pane stays open after the command exits, so its final
   * screen and exit status can still be read.
   */
  async start(command: string, options: TmuxStartOptions): Promise<void> {
    const envArgs = Object.entries(options.env ?? {}).flatMap(([key, value]) => [
      '-e',
      `${key}=${value}`,
    ]);
    await this.tmux(
      // No user configuration: the test must not depend on ~/.tmux.conf.
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(options.width),
      '-y',
      String(options.height),
      ...(options.cwd ? ['-c', options.cwd] : []),
      ...envArgs,
      // A shell that waits, so remain-on-exit can be set before the command runs.
      'sleep 3600',
    );
    this.started = true;
    this.socketPath = (await this.tmux('display-message', '-p', '#{socket_path}')).trim();
    await this.tmux('set-option', '-t', this.name, 'status', 'off');
    await this.tmux('set-option', '-w', '-t', this.name, 'remain-on-exit', 'on');
    await this.tmux(
      'resize-window',
      '-t',
      this.name,
      '-x',
      String(options.width),
      '-y',
      String(options.height),
    );
    // Replace the placeholder with the real command, now that the pane is kept on exit.
    await this.tmux(
      'respawn-pane',
      '-k',
      '-t',
      this.target,
      ...(options.cwd ? ['-c', options.cwd] : []),
      ...envArgs,
      command,
    );
    this.commandGroup = await this.panePid();
  }

  /** The visible screen as plain text, one line per row (trailing blanks trimmed). */
  async capture(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', this.target);
  }

  /** The visible screen with colours and attributes as escape sequences. */
  async captureStyled(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-e', '-t', this.target);
  }

  /** Sends tmux key names (`Tab`, `Down`, `Enter`, `C-c`, `q`, ...). */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', this.target, ...keys);
  }

  /** Types text literally, character by character as a user would. */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', this.target, '-l', text);
  }

  /** Size of the pane as tmux sees it. */
  async size(): Promise<{width: number; height: number}> {
    const out = await this.tmux(
      'display-message',
      '-p',
      '-t',
      this.target,
      '#{pane_width} #{pane_height}',
    );
    const [width, height] = out.trim().split(' ').map(Number);
    return {width: width ?? 0, height: height ?? 0};
  }

  /** Exit status of the pane's command once it exited, else undefined. */
  async exitStatus(): Promise<number | undefined> {
    const out = await this.tmux(
      'display-message',
      '-p',
      '-t',
      this.target,
      '#{pane_dead} #{pane_dead_status}',
    );
    const [dead, status] = out.trim().split(' ');
    return dead === '1' ? Number(status) : undefined;
  }

  /** Process id of the pane's command (to check it is gone). */
  async panePid(): Promise<number> {
    const out = await this.tmux(
      'display-message',
      '-p',
      '-t',
      this.target,
      '#{pane_pid}',
    );
    return Number(out.trim());
  }

  /** Reads the screen until `condition` holds; throws with the last screen on timeout. */
  async waitForScreen(
    condition: ScreenCondition,
    description: string,
    {failIf, ...options}: ScreenWaitOptions = {},
  ): Promise<string> {
    let screen = '';
    return eventually(
      async () => {
        screen = await this.capture();
        if (matches(screen, condition)) return screen;
        if (failIf !== undefined && matches(screen, failIf)) {
          throw new Error(
            `gave up waiting for ${description}: the screen shows a failure:\n${frameScreen(screen)}`,
          );
        }
        return undefined;
      },
      () => `${description}; the screen was:\n${frameScreen(screen)}`,
      {intervalMs: SCREEN_INTERVAL_MS, ...options},
    );
  }

  /** Waits until the pane's command exited and returns its status. */
  async waitForExit(options: EventuallyOptions = {}): Promise<number> {
    return eventually(
      () => this.exitStatus(),
      async () =>
        `the command to exit; the screen was:\n${frameScreen(await this.capture())}`,
      {intervalMs: SCREEN_INTERVAL_MS, ...options},
    );
  }

  /** Kills the private tmux server (and with it the pane's processes) and removes its socket. */
  async kill(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    // A program that outlives its terminal (SIGHUP ignored) would be orphaned
    // by kill-server; end whatever still runs in the pane's group first.
    if (this.commandGroup !== undefined) await endGroup(this.commandGroup);
    await this.tmux('kill-server').catch(() => undefined);
    // tmux leaves the socket file behind; it is ours, so remove it.
    if (this.socketPath) await rm(this.socketPath, {force: true});
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to a process group, then SIGKILL if it is still there after a second. */
async function endGroup(group: number): Promise<void> {
  if (!groupAlive(group)) return;
  process.kill(-group, 'SIGTERM');
  const deadline = Date.now() + 1_000;
  while (groupAlive(group) && Date.now() < deadline) await delay(50);
  if (groupAlive(group)) process.kill(-group, 'SIGKILL');
}

/** A screen capture with a border, for readable failure messages. */
export function frameScreen(screen: string): string {
  const lines = screen.replace(/\n$/, '').split('\n');
  const width = Math.max(0, ...lines.map((line) => line.length));
  const rule = `+${'-'.repeat(width)}+`;
  return [rule, ...lines.map((line) => `|${line.padEnd(width)}|`), rule].join('\n');
}
