import type {AppCommand} from '../app/commands.js';
import type {CliConfig} from './config.js';

/** The command line's start-up as an app command: share the paths, join the first peer. */
export function startCommand(config: CliConfig): Extract<AppCommand, {kind: 'start'}> {
  return {
    kind: 'start',
    shares: config.shares,
    ...(config.firstPeer ? {contact: config.firstPeer} : {}),
    hops: config.hops,
  };
}
