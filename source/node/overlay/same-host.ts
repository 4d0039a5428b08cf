import net from 'node:net';

/** `1.2.3.4:5678` or `::1:5678` (a request's remote, see peer-server.ts) → its host. */
export function remoteHost(remote: string): string {
  const colon = remote.lastIndexOf(':');
  return colon > 0 ? remote.slice(0, colon) : remote;
}

/**
 * True when a request from `remote` may speak for a peer whose id names
 * `peerHost`: the same address. A peer id with a host name (not an IP
 * literal) cannot be checked without a lookup and is taken on trust.
 */
export function isSameHost(remote: string, peerHost: string): boolean {
  if (net.isIP(peerHost) === 0) return true;
  return remoteHost(remote) === peerHost;
}
