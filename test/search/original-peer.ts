/**
 * A stand-in for the untouched Python 2 original, on 127.0.0.1, for mixed
 * networks: it speaks only the original messages, treats every field as
 * bytes split on ASCII whitespace, answers a query with the first match of
 * its table (its own files and names it heard of) or floods it on with one
 * less ttl, and closes unknown types without a reply. Written here by hand,
 * from ../shared/PROTOCOL.md, not with the project's code.
 */
import type net from 'node:net';
import type {FakePeer} from '../support/fake-peer.js';
import type {TestNetwork} from '../support/network.js';
import {rawFrame, rawRequest} from '../support/raw-client.js';

export type OriginalPeer = FakePeer & {
  /** Its file table: name bytes (latin1 text) → owner id. */
  readonly table: Map<string, string>;
  readonly peerList: Map<string, number>;
  /** Every request it sent, as `TYPE data` in latin1 text. */
  readonly sentLog: string[];
  /** Sends `QUER <my-id> <key> 4` to every peer, as the original's search. */
  search(key: Buffer): Promise<void>;
};

const split = (data: Buffer): string[] =>
  data
    .toString('latin1')
    .split(/[ \t\n\v\f\r]+/)
    .filter((field) => field.length > 0);

/**
 * Answers a type the original has no handler for (a hostile or a newer peer
 * in the test); without it, or when it returns false, the connection is
 * closed without a reply, as the original does.
 */
export type ExtensionHandler = (
  request: {type: string; data: Buffer},
  socket: net.Socket,
) => boolean;

export async function startOriginalPeer(
  network: TestNetwork,
  files: Record<string, string> = {},
  extension: ExtensionHandler = () => false,
): Promise<OriginalPeer> {
  const table = new Map<string, string>();
  const peerList = new Map<string, number>();
  const sentLog: string[] = [];
  const contents = new Map(
    Object.entries(files).map(([name, content]) => [
      Buffer.from(name, 'latin1').toString('latin1'),
      content,
    ]),
  );
  let selfId = '';

  const send = async (port: number, type: string, data: Buffer): Promise<void> => {
    sentLog.push(`${type} ${data.toString('latin1')}`);
    await rawRequest(port, rawFrame(type, data)).catch(() => undefined);
  };

  const processQuery = async (
    returnId: string,
    key: string,
    ttl: number,
  ): Promise<void> => {
    for (const [name, owner] of table) {
      if (!name.includes(key)) continue;
      const port = Number(returnId.split(':')[1]);
      await send(port, 'RESP', Buffer.from(`${name} ${owner}`, 'latin1'));
      return;
    }
    if (ttl <= 0) return;
    const data = Buffer.from(`${returnId} ${key} ${ttl - 1}`, 'latin1');
    await Promise.all([...peerList.values()].map((port) => send(port, 'QUER', data)));
  };

  const onRequest = (request: {type: string; data: Buffer}, socket: net.Socket): void => {
    const fields = split(request.data);
    switch (request.type.toUpperCase()) {
      case 'NAME':
        return void socket.end(rawFrame('REPL', selfId));
      case 'JOIN': {
        const [id, , port] = fields;
        if (fields.length === 3 && id && port && !peerList.has(id) && id !== selfId) {
          peerList.set(id, Number(port));
          return void socket.end(rawFrame('REPL', `Join: peer added: ${id}`));
        }
        return void socket.end(rawFrame('ERRO', `Join: peer already inserted ${id}`));
      }
      case 'LIST': {
        const frames = [rawFrame('REPL', String(peerList.size))];
        for (const [id, port] of peerList) {
          frames.push(rawFrame('REPL', `${id} ${id.split(':')[0]} ${port}`));
        }
        return void socket.end(Buffer.concat(frames));
      }
      case 'QUER': {
        const [returnId, key, ttl] = fields;
        if (fields.length !== 3 || !returnId || !key || !ttl) return void socket.end();
        socket.end(
          rawFrame(
            'REPL',
            Buffer.concat([Buffer.from('Query ACK: '), Buffer.from(key, 'latin1')]),
          ),
        );
        void processQuery(returnId, key, Number(ttl));
        return;
      }
      case 'RESP': {
        const [name, owner] = fields;
        if (fields.length === 2 && name && owner && !table.has(name))
          table.set(name, owner);
        return void socket.end();
      }
      case 'FGET': {
        const content = contents.get(request.data.toString('latin1'));
        return void socket.end(
          content === undefined
            ? rawFrame('ERRO', 'File not found')
            : rawFrame('REPL', content),
        );
      }
      default:
        // No handler: the connection is closed without a reply.
        if (!extension(request, socket)) socket.end();
        return;
    }
  };

  const peer = await network.startFakePeer({onRequest});
  selfId = peer.id;
  for (const name of contents.keys()) table.set(name, selfId);
  return Object.assign(peer, {
    table,
    peerList,
    sentLog,
    async search(key: Buffer): Promise<void> {
      const data = Buffer.concat([Buffer.from(`${selfId} `), key, Buffer.from(' 4')]);
      await Promise.all([...peerList.values()].map((port) => send(port, 'QUER', data)));
    },
  });
}
