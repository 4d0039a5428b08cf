#!/usr/bin/env node
/**
 * filer-tui <port> <max-peers> [first-peer-host:port], and the subcommands
 * that reach a running node (status, stop, ctl, events, attach) or run one
 * without a UI (serve). Parses the arguments, then runs the node detached
 * with the terminal UI attached, in headless mode, or served.
 */
import meow from 'meow';
import {
  findUnknownFlag,
  nodeOptionsOf,
  parseCliConfig,
  UsageError,
  type CliConfig,
} from './cli/config.js';
import {startCommand} from './cli/start-command.js';
import {FilerApp} from './app/filer-app.js';
import {openFailure} from './cli/open-failure.js';
import {runHeadless} from './headless/run-headless.js';
import {FilerNode} from './node/filer-node.js';

function fail(message: string, exitCode: number): never {
  process.stderr.write(`filer-tui: ${message}\n`);
  process.exit(exitCode);
}

/** Subcommands that reach a running node; loaded only when asked for, to keep start-up short. */
const CONTROL_SUBCOMMANDS = new Set(['status', 'stop', 'ctl', 'events', 'attach']);

const [subcommand, ...subcommandArgs] = process.argv.slice(2);
if (subcommand !== undefined && CONTROL_SUBCOMMANDS.has(subcommand)) {
  const {runControlSubcommand} = await import('./cli/subcommands.js');
  process.exit(await runControlSubcommand(subcommand, subcommandArgs, fail));
}

const FLAGS = {
  share: {type: 'string', isMultiple: true},
  downloadDir: {type: 'string'},
  host: {type: 'string'},
  bind: {type: 'string'},
  hops: {type: 'string'},
  headless: {type: 'boolean', default: false},
  json: {type: 'boolean', default: false},
  verbose: {type: 'boolean', default: false},
  plainFetch: {type: 'boolean', default: false},
  compatible: {type: 'boolean', default: false},
  keepRunning: {type: 'boolean', default: false},
  inProcess: {type: 'boolean', default: false},
} as const;

const cli = meow(
  `
  Usage
    $ filer-tui <port> <max-peers> [first-peer-host:port]
    $ filer-tui attach [port]            the UI again, on a node that runs
    $ filer-tui status [--json]          your running nodes
    $ filer-tui stop [port]              leave the network, end the node
    $ filer-tui ctl <port> <command>     run one command (ctl <port> help)
    $ filer-tui events [port]            the node's events as JSON lines
    $ filer-tui serve <port> <max-peers> [first-peer]   a node without UI

  Starts a peer that listens on <port>, keeps at most <max-peers> neighbours
  (0 = unlimited) and joins the network through the first peer, if given.
  The node runs in a process of its own: D in the UI detaches, and
  filer-tui attach comes back. If your node already runs on <port>, the UI
  attaches to it.

  Options
    --share <path>         Share a file, or every file under a directory (repeatable)
    --download-dir <dir>   Where fetched files are saved (default: current directory)
    --host <address>       Address other peers should use to reach this node
                           (default: first non-loopback IPv4 address)
    --bind <address>       Interface to listen on (default: 0.0.0.0)
    --hops <n>             Depth of the join through the first peer (default: 2)
    --keep-running         Keep the node running when the terminal closes
                           (default: only while transfers are in progress)
    --in-process           Run the node inside the UI's process (no detach)
    --headless             No terminal UI: log events to stdout, read commands from stdin
    --json                 With --headless: one JSON object per line
    --verbose              Also show debug log lines
    --plain-fetch          Fetch with plain FGET only: no SHA-256 check, no resume,
                           one source (for slow CPUs; see docs/protocol.md)
    --compatible           Search as the original btfiler does (first match,
                           no duplicate filter; for comparison)
    --help, --version

  Examples
    $ filer-tui 9000 5 --share ~/music
    $ filer-tui 9001 5 192.168.1.20:9000
    $ filer-tui 9002 5 192.168.1.20:9000 --headless --json
    $ filer-tui ctl 9000 search holiday
`,
  {
    importMeta: import.meta,
    // Checked below, so that an unknown flag gets the same one-line error.
    allowUnknownFlags: true,
    flags: FLAGS,
  },
);

const serving = cli.input[0] === 'serve';
let config: CliConfig;
try {
  const unknown = findUnknownFlag(process.argv.slice(2), FLAGS);
  if (unknown) throw new UsageError(`unknown option ${unknown}`);
  config = parseCliConfig(serving ? cli.input.slice(1) : cli.input, cli.flags);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  fail(`${error.message} (see filer-tui --help)`, 2);
}

if (serving) {
  const {serveNode} = await import('./daemon/serve-node.js');
  process.exit(await serveNode({config, keepRunning: cli.flags.keepRunning}));
}

if (!config.headless && !(process.stdin.isTTY && process.stdout.isTTY)) {
  fail(
    'the terminal UI needs a terminal (TTY); use --headless for scripts and servers',
    2,
  );
}

if (!config.headless && !cli.flags.inProcess) {
  const {startAttached} = await import('./cli/attach-command.js');
  process.exit(await startAttached(config, process.argv.slice(2), fail));
}

const node = new FilerNode(nodeOptionsOf(config));
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
  // status, ctl and events reach a headless node too; it lives as long as its stdin.
  const {serveHeadlessControl} = await import('./daemon/headless-control.js');
  const control = await serveHeadlessControl(app, node.port);
  if (control) node.log('info', `control socket ${control.socketPath ?? ''}`);
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
    fail(openFailure(error, config.port), 1);
  }
}
