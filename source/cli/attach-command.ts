/**
 * The terminal UI attached to a node in its own process: the start command
 * starts that node detached (or finds this user's node already on the
 * port), `attach` finds a running one. When the UI closes and the node
 * stays, one line says how to come back.
 */
import {socketPathFor} from '../daemon/control-dir.js';
import {RemoteSession} from '../daemon/remote-session.js';
import {probeSocket} from '../daemon/socket-file.js';
import {spawnDetachedNode} from '../daemon/spawn-node.js';
import {describeError, FilerError} from '../protocol/errors.js';
import type {CliConfig} from './config.js';
import {showEarlyFrame, type EarlyScreen} from '../ui/terminal/early-frame.js';
import {choosePort} from './running-nodes.js';

function say(line: string): void {
  process.stdout.write(`filer-tui: ${line}\n`);
}

async function attachUi(
  socketPath: string,
  verbose: boolean,
  early?: EarlyScreen,
): Promise<number> {
  const session = await RemoteSession.attach(socketPath, {ui: true});
  const {runUi} = await import('../ui/terminal/run-ui.js');
  early?.handOver();
  await runUi(session, {verbose});
  early?.leave();
  const {port} = session.status;
  if (!session.snapshot().closed) {
    say(
      `the node keeps running on port ${port}: filer-tui attach ${port} comes back, filer-tui stop ${port} stops it`,
    );
  }
  return 0;
}

/** `filer-tui PORT MAX [PEER]`: start the node detached (or find it running), then attach. */
export async function startAttached(
  config: CliConfig,
  argv: string[],
  fail: (message: string, exitCode: number) => never,
): Promise<number> {
  // The screen at once: the node's process and Ink take a while to start.
  const early = showEarlyFrame(process.stdout, config);
  const note = (line: string): void => early.note(`filer-tui: ${line}`);
  try {
    if (config.port > 0) {
      const socketPath = socketPathFor(config.port);
      if ((await probeSocket(socketPath)) === 'live') {
        note(`your node on port ${config.port} is running already; attaching to it`);
        return await attachUi(socketPath, config.verbose, early);
      }
    }
    const started = await spawnDetachedNode(argv, config.port);
    note(
      `node started on port ${started.port} (pid ${started.pid}, log ${started.logFile})`,
    );
    try {
      return await attachUi(started.socketPath, config.verbose, early);
    } catch (error) {
      // A node nobody can see would run on unnoticed: stop it.
      const session = await RemoteSession.attach(started.socketPath, {ui: false}).catch(
        () => undefined,
      );
      await session?.execute({kind: 'quit'});
      throw error;
    }
  } catch (error) {
    early.leave();
    if (error instanceof FilerError) fail(describeError(error), 1);
    throw error;
  }
}

/** `filer-tui attach [PORT]`. */
export async function attachCommand(args: string[]): Promise<number> {
  if (args.length > 1 && !args.slice(1).every((arg) => arg === '--verbose')) {
    throw new FilerError('ERR_USAGE', `attach takes at most a port, not "${args[1]}"`);
  }
  const portArg = args.find((arg) => arg !== '--verbose');
  if (!(process.stdin.isTTY && process.stdout.isTTY)) {
    throw new FilerError(
      'ERR_NO_TTY',
      'the terminal UI needs a terminal (TTY); use filer-tui events or ctl in scripts',
    );
  }
  const port = await choosePort(portArg);
  return attachUi(socketPathFor(port), args.includes('--verbose'));
}
