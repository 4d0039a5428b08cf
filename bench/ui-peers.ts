/**
 * Network helpers for the UI benchmark, on loopback only: a peer that sends
 * RESP messages to fill a node's catalogue, and a slow owner that trickles a
 * file so a transfer stays in progress while the benchmark runs.
 */
import net from 'node:net';
import {
  encodeFrame,
  encodeHeader,
  FrameDecoder,
  type Frame,
} from '../source/protocol/frame.js';
import {
  formatPeerId,
  formatResponse,
  MessageType,
  type PeerAddress,
} from '../source/protocol/messages.js';
import {encodeWireName} from '../source/protocol/wire-name.js';
import {requestFrames} from '../source/node/net/peer-client.js';

export type Announcement = {name: string; owner: string};

/** Sends one RESP per announcement to `target`, `concurrency` connections at a time. */
export async function sendResponses(
  target: PeerAddress,
  announcements: readonly Announcement[],
  concurrency = 32,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < announcements.length) {
      const {name, owner} = announcements[next++] as Announcement;
      await requestFrames(
        target,
        MessageType.response,
        formatResponse({wireName: encodeWireName(name), ownerPeerId: owner}),
      );
    }
  };
  await Promise.all(Array.from({length: concurrency}, worker));
}

export type SlowOwner = {
  id: string;
  /** Bytes sent so far over all FGET replies. */
  readonly sent: number;
  close(): Promise<void>;
};

/**
 * A minimal peer on 127.0.0.1 that answers NAME with its id and FGET of any
 * name with a `size`-byte reply sent at about `bytesPerSecond`. Other requests
 * are closed without a reply, as the original does.
 */
export async function startSlowOwner(options: {
  size: number;
  bytesPerSecond: number;
}): Promise<SlowOwner> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let sent = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      const request = frames[0];
      if (!request) return;
      socket.removeAllListeners('data');
      if (request.type === MessageType.name) {
        socket.end(encodeFrame(MessageType.reply, id));
      } else if (request.type === MessageType.fileGet) {
        trickle(socket);
      } else {
        socket.end();
      }
    });
  });

  const tickMs = 20;
  const chunk = Buffer.alloc(
    Math.max(1, Math.round((options.bytesPerSecond * tickMs) / 1000)),
    0x2a,
  );
  const trickle = (socket: net.Socket): void => {
    socket.write(encodeHeader(MessageType.reply, options.size));
    let remaining = options.size;
    const timer = setInterval(() => {
      if (socket.destroyed) {
        clearInterval(timer);
        timers.delete(timer);
        return;
      }
      const piece = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
      remaining -= piece.length;
      sent += piece.length;
      socket.write(piece);
      if (remaining === 0) {
        clearInterval(timer);
        timers.delete(timer);
        socket.end();
      }
    }, tickMs);
    timers.add(timer);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  const id = formatPeerId('127.0.0.1', address.port);
  return {
    id,
    get sent() {
      return sent;
    },
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
