/**
 * The baseline of bench:load: the same exchanges answered by the simplest
 * Node server that can (read one frame, write a fixed reply, close), so the
 * figures for the node are read against what this machine, its kernel and
 * the load generators can do at all. Prints {"port"} once it listens.
 */
import net from 'node:net';

const fileSize = Number(process.env.LOAD_FILE_SIZE ?? '0');
const id = '127.0.0.1:1';

function frame(type: string, body: Buffer | string): Buffer {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  const header = Buffer.alloc(8);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

const answers: Record<string, Buffer> = {
  NAME: frame('REPL', id),
  LIST: frame('REPL', '0'),
  FGET: frame('REPL', Buffer.alloc(fileSize, 0x2a)),
};

const server = net.createServer((socket) => {
  let received = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    if (received.length < 8 || received.length < 8 + received.readUInt32BE(4)) return;
    const type = received.toString('latin1', 0, 4);
    const data = received.subarray(8, 8 + received.readUInt32BE(4)).toString();
    const key = data.split(' ')[1] ?? '';
    socket.end(answers[type] ?? frame('REPL', `Query ACK: ${key}`));
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({port: (server.address() as net.AddressInfo).port})}\n`,
  );
});
