/**
 * The one validator of peer ids and hosts from the wire. Every place that
 * accepts a peer id from a peer (JOIN, a LIST entry, the owner of a RESP,
 * the return id of a QUER, a NAME reply) goes through here, so an id that
 * carries escape sequences, spaces or 60 KB of text is refused at the door.
 */
import net from 'node:net';
import type {PeerAddress} from './messages.js';

/** DNS's limit for a host name; IPv4 and IPv6 literals are shorter. */
export const MAX_HOST_LENGTH = 253;
/** `host:port` with the longest host and a 5-digit port. */
export const MAX_PEER_ID_LENGTH = MAX_HOST_LENGTH + 6;

const DNS_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const DIGITS_AND_DOTS = /^[0-9.]+$/;

export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * An IPv4 address, an IPv6 address (without brackets), or a DNS host name:
 * labels of letters, digits, `-` and `_` (as real host names have), at most
 * 63 characters each, 253 in all.
 */
export function isValidHost(host: string): boolean {
  if (host.length === 0 || host.length > MAX_HOST_LENGTH) return false;
  if (DIGITS_AND_DOTS.test(host)) return net.isIPv4(host);
  if (host.includes(':')) return net.isIPv6(host);
  const labels = host.endsWith('.') ? host.slice(0, -1).split('.') : host.split('.');
  return labels.every((label) => DNS_LABEL.test(label));
}

/** `host:port` → address, split at the last colon; undefined when not valid. */
export function parsePeerId(peerId: string): PeerAddress | undefined {
  if (peerId.length > MAX_PEER_ID_LENGTH) return undefined;
  const colon = peerId.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const host = peerId.slice(0, colon);
  const port = parsePort(peerId.slice(colon + 1));
  if (port === undefined || !isValidHost(host)) return undefined;
  return {host, port};
}

export function isValidPeerId(peerId: string): boolean {
  return parsePeerId(peerId) !== undefined;
}
