#!/usr/bin/env node
/**
 * filer-tui <port> <max-peers> [first-peer-host:port]
 * Parses the arguments, starts the peer node, then runs the terminal UI or
 * the headless mode on top of it.
 */
import meow from 'meow';
import {
  findUnknownFlag,
  parseCliConfig,
  UsageError,
  type CliConfig,
} from './cli/config.js';
import {startCommand} from './cli/start-command.js';
import {FilerApp} from './app/filer-app.js';
import {runHeadless} from './headless/run-headless.js';
import {FilerNode} from './node/filer-node.js';
import {describeError} from './protocol/errors.js';

const FLAGS = {
  share: {type: 'string', isMultiple: true},
  downloadDir: {type: 'string'},
  host: {type: 'string'},
  bind: {type: 'string'},
  hops: {type: 'string'},
  headless: {type: 'boolean', default: false},
  json: {type: 'boolean', default: false},
  verbose: {type: 'boolean', default: false},
} as const;

const cli = meow(
  `
  Usage
    $ filer-tui <port> <max-peers> [first-peer-host:port]

  Starts a peer that listens on <port>, keeps at most <max-peers> neighbours
  (0 = unlimited) and joins the network through the first peer, if given.

  Options
    --share <path>         Share a file, or every file under a directory (repeatable)
    --download-dir <dir>   Where fetched files are saved (default: current directory)
    --host <address>       Address other peers should use to reach this node
                           (default: first non-loopback IPv4 address)
    --bind <address>       Interface to listen on (default: 0.0.0.0)
    --hops <n>             Depth of the join through the first peer (default: 2)
    --headless             No terminal UI: log events to stdout, read commands from stdin
    --json                 With --headless: one JSON object per line
    --verbose              Also show debug log lines
    --help, --version

  Examples
    $ filer-tui 9000 5 --share ~/music
    $ filer-tui 9001 5 192.168.1.20:9000
    $ filer-tui 9002 5 192.168.1.20:9000 --headless --json
`,
  {
    importMeta: import.meta,
    // Checked below, so that an unknown flag gets the same one-line error.
    allowUnknownFlags: true,
    flags: FLAGS,
  },
);

function fail(message: string, exitCode: number): never {
  process.stderr.write(`filer-tui: ${message}\n`);
  process.exit(exitCode);
}

let config: CliConfig;
try {
  const unknown = findUnknownFlag(process.argv.slice(2), FLAGS);
  if (unknown) throw new UsageError(`unknown option ${unknown}`);
  config = parseCliConfig(cli.input, cli.flags);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  fail(`${error.message} (see filer-tui --help)`, 2);
}

if (!config.headless && !(process.stdin.isTTY && process.stdout.isTTY)) {
  fail(
    'the terminal UI needs a terminal (TTY); use --headless for scripts and servers',
    2,
  );
}

const node = new FilerNode({
  port: config.port,
  maxPeers: config.maxPeers,
  bindHost: config.bindHost,
  downloadDir: config.downloadDir,
  ...(config.advertisedHost ? {advertisedHost: config.advertisedHost} : {}),
});
// Made before the node opens, so that its first log lines are events too.
const app = new FilerApp(node);
if (config.createdDownloadDir)
  node.log('info', `created the download folder ${config.downloadDir}`);

if (config.headless) {
  // Before opening: the first lines are printed, and a signal during start-up is handled.
  const finished = runHeadless(app, {
    json: config.json,
    verbose: config.verbose,
    input: process.stdin,
    signals: process,
  });
  await openOrExit(node, config);
  void app.execute(startCommand(config));
  await finished;
  process.exit(0);
} else {
  const {runUi} = await import('./ui/terminal/run-ui.js');
  await openOrExit(node, config);
  // Loading Ink takes a moment on a slow machine; say that something is happening.
  process.stdout.write(`filer-tui: listening as ${node.id}, starting the interface…\n`);
  await runUi(app, {start: startCommand(config), verbose: config.verbose});
  process.exit(0);
}

async function openOrExit(node: FilerNode, config: CliConfig): Promise<void> {
  try {
    await node.open();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${config.port} is already in use; pick another port`
        : code === 'EACCES'
          ? `no permission to listen on port ${config.port}; use a port above 1023`
          : describeError(error);
    fail(reason, 1);
  }
}
