/**
 * Text a person typed → a command, and the checks every command passes
 * before it runs. Both front ends read typed text through here (a prompt in
 * the UI, an argument in headless mode), so they refuse the same things.
 */
import os from 'node:os';
import path from 'node:path';
import {parsePeerId, type PeerAddress} from '../protocol/messages.js';
import {failure, FailureCode, type AppCommand, type AppFailure} from './commands.js';

/** The commands that take one piece of typed text. */
export type TextCommandKind = 'add' | 'search' | 'rebuild';

export type CommandReading = {ok: true; command: AppCommand} | AppFailure;

const EMPTY_INPUT: Record<TextCommandKind, string> = {
  add: 'type the path of a file or directory to share',
  search: 'type a part of the name to search for',
  rebuild: 'type the host:port of a peer to join through',
};

/** `host:port`, or undefined when the text is not one. */
export function readContact(text: string): PeerAddress | undefined {
  return parsePeerId(text.trim());
}

/** `~` and `~/…` name the home directory, as in a shell. */
export function expandHome(text: string): string {
  if (text === '~') return os.homedir();
  if (text.startsWith('~/')) return path.join(os.homedir(), text.slice(2));
  return text;
}

export function commandFromText(kind: TextCommandKind, text: string): CommandReading {
  let command: AppCommand;
  if (kind === 'rebuild') {
    const contact = readContact(text);
    if (!contact) return refuseContact(text.trim());
    command = {kind, contact};
  } else if (kind === 'add') {
    command = {kind, path: text.trim()};
  } else {
    // Leading and trailing spaces can be part of a name: search as typed.
    command = {kind, key: text};
  }
  return checkCommand(command) ?? {ok: true, command};
}

/** Why `command` cannot run as given, or undefined when it can. */
export function checkCommand(command: AppCommand): AppFailure | undefined {
  switch (command.kind) {
    case 'add':
      return isBlank(command.path) ? emptyInput('add') : undefined;
    case 'search':
      return isBlank(command.key) ? emptyInput('search') : undefined;
    case 'rebuild':
    case 'start': {
      const {contact} = command;
      if (contact === undefined) return undefined;
      const text = `${contact.host}:${contact.port}`;
      return readContact(text) ? undefined : refuseContact(text);
    }
    default:
      return undefined;
  }
}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

function emptyInput(kind: TextCommandKind): AppFailure {
  return failure(FailureCode.emptyInput, EMPTY_INPUT[kind]);
}

function refuseContact(text: string): AppFailure {
  if (text === '') return emptyInput('rebuild');
  return failure(
    FailureCode.badContact,
    `"${text}" is not host:port (for example 192.168.1.20:9000)`,
  );
}
