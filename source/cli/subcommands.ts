/** The subcommands that reach a running node: each parses its own arguments. */
import {FilerError, describeError} from '../protocol/errors.js';
import {UsageError} from './config.js';
import {
  ctlCommand,
  eventsCommand,
  statusCommand,
  stopCommand,
} from './control-commands.js';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  status: statusCommand,
  stop: stopCommand,
  ctl: ctlCommand,
  events: eventsCommand,
  attach: async (args) => {
    const {attachCommand} = await import('./attach-command.js');
    return attachCommand(args);
  },
};

/** Runs one; a usage mistake exits 2, a failure (no such node, ...) 1, each with one line. */
export async function runControlSubcommand(
  name: string,
  args: string[],
  fail: (message: string, exitCode: number) => never,
): Promise<number> {
  const command = COMMANDS[name];
  if (!command) return fail(`unknown subcommand ${name}`, 2);
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof UsageError)
      return fail(`${error.message} (see filer-tui --help)`, 2);
    if (error instanceof FilerError) return fail(describeError(error), 1);
    throw error;
  }
}
