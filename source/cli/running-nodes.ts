/**
 * This user's running nodes, found through their control sockets. A socket
 * nobody answers on (its node was killed) is removed on the way.
 */
import {ControlClient, ControlError} from '../daemon/control-client.js';
import {controlDirPath, listedPorts, socketPathFor} from '../daemon/control-dir.js';
import {removeIfStale} from '../daemon/socket-file.js';
import type {NodeStatus} from '../daemon/wire.js';
import {UsageError} from './config.js';

export async function runningNodes(
  dir: string = controlDirPath(),
): Promise<NodeStatus[]> {
  const found: NodeStatus[] = [];
  for (const port of listedPorts(dir)) {
    const socketPath = socketPathFor(port, dir);
    try {
      const client = await ControlClient.connect(socketPath);
      found.push(client.hello);
      client.close();
    } catch (error) {
      if (error instanceof ControlError && error.code === 'ERR_NO_NODE') {
        await removeIfStale(socketPath);
      }
    }
  }
  return found;
}

/** A port given on the command line, else the only running node's. */
export async function choosePort(text: string | undefined): Promise<number> {
  if (text !== undefined) {
    if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65_535) {
      throw new UsageError(`port must be a number from 1 to 65535, not "${text}"`);
    }
    return Number(text);
  }
  const nodes = await runningNodes();
  if (nodes.length === 1) return (nodes[0] as NodeStatus).port;
  if (nodes.length === 0) throw new UsageError('no node of yours is running');
  const ports = nodes.map((node) => node.port).join(', ');
  throw new UsageError(`several nodes are running (ports ${ports}); name the port`);
}
