/**
 * A node served over its control socket, with no UI in this process: what
 * `filer-tui serve` runs, and what the start command runs detached from the
 * terminal. Its log lines go to stdout (the log file when detached); it
 * leaves the network on SIGINT or SIGTERM, or when told to, and outlives
 * SIGHUP.
 */
import fs from 'node:fs';
import {FilerApp} from '../app/filer-app.js';
import {nodeOptionsOf, type CliConfig} from '../cli/config.js';
import {startCommand} from '../cli/start-command.js';
import {printEvents} from '../headless/event-printer.js';
import {HeadlessOutput} from '../headless/output.js';
import {FilerNode} from '../node/filer-node.js';
import type {LogLevel} from '../node/types.js';
import {describeError} from '../protocol/errors.js';
import {openFailure} from '../cli/open-failure.js';
import {controlDirPath, logPathFor, socketPathFor} from './control-dir.js';
import {ControlServer} from './control-server.js';
import {READY_FD_ENV, PROVISIONAL_LOG_ENV, type ReadyMessage} from './spawn-node.js';

export type ServeOptions = {
  config: CliConfig;
  keepRunning: boolean;
  write?: (line: string) => void;
};

/** Runs the node until it leaves the network; resolves with the exit code. */
export async function serveNode({
  config,
  keepRunning,
  write,
}: ServeOptions): Promise<number> {
  const output = new HeadlessOutput(
    false,
    write ?? ((line) => process.stdout.write(`${line}\n`)),
  );
  const node = new FilerNode(nodeOptionsOf(config));
  const app = new FilerApp(node);
  const closed = new Promise<void>((resolve) => {
    const print = printEvents(output, {json: false, verbose: config.verbose});
    app.subscribe((event) => {
      print(event);
      if (event.event === 'closed') resolve();
    });
  });
  const say = (level: LogLevel, message: string): void =>
    output.log({time: Date.now(), level, message});

  try {
    await node.open();
  } catch (error) {
    return failStart(openFailure(error, config.port), output);
  }
  const logFile = settleLogFile(node.port);
  const server = new ControlServer({
    session: app,
    keepRunning,
    log: say,
    ...(logFile ? {logFile} : {}),
  });
  try {
    await server.listen(socketPathFor(node.port, controlDirPath()));
  } catch (error) {
    await app.execute({kind: 'quit'});
    return failStart(`no control socket: ${describeError(error)}`, output);
  }
  const quit = (): void => void app.execute({kind: 'quit'});
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  // Detached there is no terminal to lose; in the foreground, a closed terminal is ignored too.
  process.on('SIGHUP', () => say('info', 'SIGHUP ignored: the node keeps running'));
  say(
    'info',
    `control socket ${server.socketPath ?? ''}${logFile ? `, log ${logFile}` : ''}`,
  );
  tellReady({ok: true, port: node.port, socketPath: server.socketPath ?? '', logFile});
  void app.execute(startCommand(config));
  await closed;
  await server.close();
  return 0;
}

function failStart(message: string, output: HeadlessOutput): number {
  output.error(message);
  tellReady({ok: false, message});
  return 1;
}

/** The starter's provisional log file (it did not know the port) takes the port's name. */
function settleLogFile(port: number): string | undefined {
  const provisional = process.env[PROVISIONAL_LOG_ENV];
  if (!provisional) return undefined;
  delete process.env[PROVISIONAL_LOG_ENV];
  const final = logPathFor(port);
  if (provisional === final) return final;
  try {
    fs.renameSync(provisional, final);
    return final;
  } catch {
    return provisional;
  }
}

/** One line to the process that started this node detached, then the pipe is closed. */
function tellReady(message: ReadyMessage): void {
  const fd = Number(process.env[READY_FD_ENV]);
  if (!Number.isInteger(fd) || fd < 3) return;
  delete process.env[READY_FD_ENV];
  try {
    fs.writeSync(fd, `${JSON.stringify(message)}\n`);
    fs.closeSync(fd);
  } catch {
    // The starter is gone: nobody to tell.
  }
}
