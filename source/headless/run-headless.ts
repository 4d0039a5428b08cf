/**
 * Headless mode: the app without Ink. Its events become lines on stdout,
 * stdin lines become its commands. For servers, scripts and tests.
 */
import readline from 'node:readline';
import type {AppSuccess} from '../app/commands.js';
import type {AppSession} from '../app/session.js';
import {HEADLESS_HELP, parseHeadlessCommand, type HeadlessCommand} from './commands.js';
import {printEvents} from './event-printer.js';
import {HeadlessOutput} from './output.js';

export type HeadlessOptions = {
  json: boolean;
  verbose: boolean;
  input?: NodeJS.ReadableStream;
  write?: (line: string) => void;
  /** SIGINT and SIGTERM from here leave cleanly (the CLI passes `process`). */
  signals?: Pick<NodeJS.EventEmitter, 'once' | 'off'>;
};

const QUIT_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Subscribes at once (call it before the node opens, so its first lines are
 * printed and a signal during start-up is handled), and resolves once the
 * node has closed: by `quit`, a signal, or otherwise.
 */
export function runHeadless(
  session: AppSession,
  options: HeadlessOptions,
): Promise<void> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const output = new HeadlessOutput(options.json, write);
  const quit = (): void => void session.execute({kind: 'quit'});
  for (const signal of QUIT_SIGNALS) options.signals?.once(signal, quit);

  return new Promise((resolve) => {
    const print = printEvents(output, options);
    const lines = options.input
      ? readline.createInterface({input: options.input, terminal: false})
      : undefined;
    const unsubscribe = session.subscribe((event) => {
      print(event);
      if (event.event !== 'closed') return;
      unsubscribe();
      lines?.close();
      for (const signal of QUIT_SIGNALS) options.signals?.off(signal, quit);
      resolve();
    });
    lines?.on('line', (line) => {
      const parsed = parseHeadlessCommand(line);
      if (parsed === undefined) return;
      if (!parsed.ok) return output.error(parsed.error);
      // Nothing typed after quit is run.
      if (parsed.command.kind === 'quit') lines.close();
      void execute(session, parsed.command, output);
    });
  });
}

async function execute(
  session: AppSession,
  command: HeadlessCommand,
  output: HeadlessOutput,
): Promise<void> {
  if (command.kind === 'help') {
    return output.record({event: 'help', commands: HEADLESS_HELP}, HEADLESS_HELP);
  }
  const outcome = await session.execute(command);
  if (outcome.ok) printAnswer(outcome, output);
  else output.error(outcome.message);
}

/** The commands that ask for something get it printed; the rest show in the log. */
function printAnswer(outcome: AppSuccess, output: HeadlessOutput): void {
  switch (outcome.kind) {
    case 'peers':
    case 'refresh':
      return output.peers(outcome.peers);
    case 'files':
      return output.files(outcome.files);
    case 'transfers':
      return output.transfers(outcome.transfers);
    case 'browse': {
      const {listing} = outcome;
      const more = listing.cut ? ` (the first of ${listing.total})` : '';
      return output.record({event: 'browse', listing}, [
        `browse ${listing.peerId}: ${listing.files.length} file(s)${more}`,
        ...listing.files.map(
          (file) => `file ${file.name}\t${listing.peerId} ${file.size}`,
        ),
      ]);
    }
    case 'results':
      return output.record(
        {event: 'results', search: outcome.search, results: outcome.results},
        [
          `search #${outcome.search.id} "${outcome.search.key}" ${outcome.search.status}: ${outcome.search.results} result(s) from ${outcome.search.peers} peer(s)`,
          ...outcome.results.map((result) => `result ${result.name}\t${result.owner}`),
        ],
      );
    default:
      return;
  }
}
