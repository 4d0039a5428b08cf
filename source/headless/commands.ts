/**
 * The headless mode's stdin commands: one line → an app command (or help),
 * or a reason it is wrong. Typed text is read by the app's own rules
 * (commandFromText, readContact), so headless refuses what the UI refuses.
 */
import type {AppCommand} from '../app/commands.js';
import {commandFromText, readContact, type TextCommandKind} from '../app/user-input.js';

export type HeadlessCommand = AppCommand | {kind: 'help'};

export const HEADLESS_HELP = [
  'add PATH             share a file or every file under a directory',
  'search KEY           ask the network for names containing KEY',
  'results [ID]         the results of the latest search (or search ID)',
  'fetch NAME [PEER]    download NAME (from PEER, else from any owner)',
  'cancel ID            stop a running transfer',
  'peers | files | transfers   list what this node knows',
  'browse PEER          list every file PEER shares (filer-tui peers)',
  'remove PEER          send QUIT to PEER and forget it',
  'rebuild HOST:PORT    join again through HOST:PORT (3 hops)',
  'refresh              check now which peers are alive',
  'quit                 leave the network and exit',
];

export type ParsedCommand =
  {ok: true; command: HeadlessCommand} | {ok: false; error: string};

export function parseHeadlessCommand(line: string): ParsedCommand | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  const space = trimmed.search(/\s/);
  const verb = (space === -1 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const rest = space === -1 ? '' : trimmed.slice(space).trim();
  const fail = (error: string): ParsedCommand => ({ok: false, error});
  const ok = (command: HeadlessCommand): ParsedCommand => ({ok: true, command});
  const needs = (what: string): ParsedCommand => fail(`${verb} needs ${what}`);
  const read = (kind: TextCommandKind, what: string): ParsedCommand => {
    const reading = commandFromText(kind, rest);
    return reading.ok ? ok(reading.command) : needs(what);
  };
  switch (verb) {
    case 'add':
      return read('add', 'a PATH');
    case 'search':
      return read('search', 'a KEY');
    case 'rebuild':
      return read('rebuild', 'HOST:PORT');
    case 'fetch': {
      if (!rest) return needs('a NAME');
      // A last word that is host:port names the owner; names may contain spaces.
      const lastSpace = rest.search(/\s\S+$/);
      const lastWord = lastSpace === -1 ? '' : rest.slice(lastSpace).trim();
      if (lastWord && readContact(lastWord)) {
        return ok({
          kind: 'fetch',
          name: rest.slice(0, lastSpace).trim(),
          owner: lastWord,
        });
      }
      return ok({kind: 'fetch', name: rest});
    }
    case 'results':
      if (rest === '') return ok({kind: 'results'});
      return /^\d+$/.test(rest)
        ? ok({kind: 'results', searchId: Number(rest)})
        : needs('a search ID, or nothing');
    case 'cancel':
      return /^\d+$/.test(rest)
        ? ok({kind: 'cancel', transferId: Number(rest)})
        : needs('a transfer ID');
    case 'browse':
      return rest ? ok({kind: 'browse', peerId: rest}) : needs('a PEER id (host:port)');
    case 'remove':
      return rest ? ok({kind: 'remove', peerId: rest}) : needs('a PEER id (host:port)');
    case 'peers':
    case 'files':
    case 'transfers':
    case 'refresh':
    case 'help':
    case 'quit':
      return rest ? fail(`${verb} takes no arguments`) : ok({kind: verb});
    case 'exit':
      return ok({kind: 'quit'});
    default:
      return fail(`unknown command "${verb}"; type help for the list`);
  }
}
