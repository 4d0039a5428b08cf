import os from 'node:os';

/**
 * The address other peers should connect to: the first non-internal IPv4
 * address of this machine, else loopback. The original probed an Internet
 * host for this; we never send a packet to find it.
 */
export function detectAdvertisedHost(
  interfaces: ReturnType<typeof os.networkInterfaces> = os.networkInterfaces(),
): string {
  for (const addresses of Object.values(interfaces)) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}
