/**
 * A FilerNode as a process of its own, for tests and benchmarks that must
 * watch it from outside (its descriptors, its memory) or give it other OS
 * limits. Options come as JSON in FILER_CHILD; it prints one JSON line per
 * event: {"event":"listening","id","port"} once, then {"event":"log",...}.
 */
import {FilerNode, type FilerNodeOptions} from '../../source/node/filer-node.js';

export type ChildConfig = {
  options: FilerNodeOptions;
  /** Shared before it says it listens. */
  shares?: string[];
  /** Joined (one hop each) before it says it listens. */
  contacts?: Array<{host: string; port: number}>;
};

const config = JSON.parse(process.env.FILER_CHILD ?? '{}') as ChildConfig;
const print = (record: object): void => {
  process.stdout.write(`${JSON.stringify(record)}\n`);
};
const node = new FilerNode({stateDir: '', ...config.options});
node.on('log', (entry) => print({event: 'log', ...entry}));
await node.open();
for (const share of config.shares ?? []) await node.addShare(share);
for (const contact of config.contacts ?? []) {
  await node.buildPeers(contact.host, contact.port, 1);
}
print({event: 'listening', id: node.id, port: node.port, peers: node.peers().length});
process.on('SIGTERM', () => void node.close().then(() => process.exit(0)));
