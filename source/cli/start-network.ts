import {describeError} from '../protocol/errors.js';
import type {FilerNode} from '../node/filer-node.js';
import type {CliConfig} from './config.js';

/** Shares the given paths and joins through the first peer; problems go to the log. */
export async function startNetwork(node: FilerNode, config: CliConfig): Promise<void> {
  for (const share of config.shares) {
    await node
      .addShare(share)
      .catch((error: unknown) => node.log('error', describeError(error)));
  }
  if (config.firstPeer) {
    const {host, port} = config.firstPeer;
    node.log('info', `joining through ${host}:${port} (${config.hops} hops)`);
    const added = await node.buildPeers(host, port, config.hops);
    node.log(added > 0 ? 'info' : 'warn', `joined: ${added} peer(s) added`);
  }
}
