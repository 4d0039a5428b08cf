/**
 * A stand-in for the original Python peer's overlay, on a fake peer: it
 * answers NAME, LIST, JOIN and QUIT with the original's texts and rules and
 * keeps a peer table; any other type (HAND) is closed without a reply, as
 * the original does. It never joins anyone by itself.
 */
import type {FakePeer} from '../support/fake-peer.js';
import type {TestNetwork} from '../support/network.js';
import {rawFrame} from '../support/raw-client.js';

export type OriginalPeer = FakePeer & {
  /** Its peer table: id → "host port". */
  readonly table: Map<string, string>;
  /** Requests received of one type. */
  received(type: string): number;
};

export async function startOriginalPeer(
  network: TestNetwork,
  maxPeers: number,
): Promise<OriginalPeer> {
  const table = new Map<string, string>();
  let selfId = '';
  const peer = await network.startFakePeer({
    onRequest(request, socket) {
      const fields = request.data.toString('utf8').trim().split(/\s+/);
      const frames: Buffer[] = [];
      switch (request.type) {
        case 'NAME':
          frames.push(rawFrame('REPL', selfId));
          break;
        case 'LIST':
          frames.push(rawFrame('REPL', String(table.size)));
          for (const [id, address] of table)
            frames.push(rawFrame('REPL', `${id} ${address}`));
          break;
        case 'JOIN': {
          const [id = '', host = '', port = ''] = fields;
          if (fields.length !== 3) break;
          if (table.size >= maxPeers)
            frames.push(rawFrame('ERRO', 'Join: too many peers'));
          else if (id !== selfId && !table.has(id)) {
            table.set(id, `${host} ${port}`);
            frames.push(rawFrame('REPL', `Join: peer added: ${id}`));
          } else frames.push(rawFrame('ERRO', `Join: peer already inserted ${id}`));
          break;
        }
        case 'QUIT': {
          const id = request.data.toString('utf8').trim();
          frames.push(
            table.delete(id)
              ? rawFrame('REPL', `Quit: peer removed: ${id}`)
              : rawFrame('ERRO', `Quit: peer not found: ${id}`),
          );
          break;
        }
      }
      socket.end(Buffer.concat(frames));
    },
  });
  selfId = peer.id;
  return Object.assign(peer, {
    table,
    received: (type: string) => peer.requests.filter((seen) => seen.type === type).length,
  });
}
