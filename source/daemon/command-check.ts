/**
 * A command as it arrives on the control socket (any JSON) → an AppCommand
 * with exactly the fields the app knows, each of the right type, or undefined.
 * The app's own checks (empty input, bad contacts) run afterwards as for any
 * front end; this only keeps malformed data away from them.
 */
import type {AppCommand} from '../app/commands.js';
import type {PeerAddress} from '../protocol/messages.js';

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return (
    Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
  );
}

function readContact(value: unknown): PeerAddress | undefined {
  if (!isObject(value)) return undefined;
  const {host, port} = value;
  return typeof host === 'string' && isWhole(port, 1, 65_535) ? {host, port} : undefined;
}

/** Optional field: absent, or of the right type (then `read` returns it). */
function optional<T>(
  value: unknown,
  read: (value: unknown) => T | undefined,
): {ok: true; value: T | undefined} | {ok: false} {
  if (value === undefined) return {ok: true, value: undefined};
  const read_ = read(value);
  return read_ === undefined ? {ok: false} : {ok: true, value: read_};
}

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

export function readCommand(value: unknown): AppCommand | undefined {
  if (!isObject(value)) return undefined;
  const fields = value;
  switch (fields.kind) {
    case 'add':
      return typeof fields.path === 'string'
        ? {kind: 'add', path: fields.path}
        : undefined;
    case 'search':
      return typeof fields.key === 'string'
        ? {kind: 'search', key: fields.key}
        : undefined;
    case 'fetch': {
      const owner = optional(fields.owner, asString);
      if (typeof fields.name !== 'string' || !owner.ok) return undefined;
      return {
        kind: 'fetch',
        name: fields.name,
        ...(owner.value === undefined ? {} : {owner: owner.value}),
      };
    }
    case 'cancel': {
      const id = optional(fields.transferId, (v) =>
        isWhole(v, 0, 2 ** 48) ? v : undefined,
      );
      const name = optional(fields.name, asString);
      if (!id.ok || !name.ok) return undefined;
      return {
        kind: 'cancel',
        ...(id.value === undefined ? {} : {transferId: id.value}),
        ...(name.value === undefined ? {} : {name: name.value}),
      };
    }
    case 'remove':
      return typeof fields.peerId === 'string'
        ? {kind: 'remove', peerId: fields.peerId}
        : undefined;
    case 'rebuild': {
      const contact = readContact(fields.contact);
      return contact ? {kind: 'rebuild', contact} : undefined;
    }
    case 'start': {
      const {shares, hops} = fields;
      const contact = optional(fields.contact, readContact);
      if (!Array.isArray(shares) || !shares.every((share) => typeof share === 'string')) {
        return undefined;
      }
      if (!isWhole(hops, 1, 10) || !contact.ok) return undefined;
      return {
        kind: 'start',
        shares: shares as string[],
        hops,
        ...(contact.value === undefined ? {} : {contact: contact.value}),
      };
    }
    case 'cancel-add':
    case 'refresh':
    case 'quit':
    case 'peers':
    case 'files':
    case 'transfers':
      return {kind: fields.kind};
    default:
      return undefined;
  }
}
