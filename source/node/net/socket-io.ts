import type {Socket} from 'node:net';

/** The reader took nothing for too long: the write gave up. */
export class WriteStalledError extends Error {
  readonly code = 'ERR_WRITE_STALLED';

  constructor(readonly stallMs: number) {
    super(`the reader took no data for ${stallMs} ms`);
  }
}

/**
 * Writes with back-pressure: resolves once the socket can take more. With
 * `stallMs`, a reader that takes nothing for that long gets its socket
 * destroyed and the write rejects with WriteStalledError.
 */
export function writeToSocket(
  socket: Socket,
  chunk: Buffer,
  stallMs?: number,
): Promise<void> {
  if (socket.destroyed) return Promise.reject(new Error('socket closed'));
  if (socket.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer =
      stallMs === undefined
        ? undefined
        : setTimeout(() => {
            settle();
            reject(new WriteStalledError(stallMs));
            socket.destroy();
          }, stallMs);
    const settle = (): void => {
      clearTimeout(timer);
      socket.off('drain', onDrain);
      socket.off('close', onClose);
    };
    const onDrain = (): void => {
      settle();
      resolve();
    };
    const onClose = (): void => {
      settle();
      reject(new Error('socket closed while writing'));
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}
