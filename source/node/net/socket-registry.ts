import type {Socket} from 'node:net';

/** Every open socket of a node, so close() can end them all. */
export class SocketRegistry {
  private readonly sockets = new Set<Socket>();

  get size(): number {
    return this.sockets.size;
  }

  track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
