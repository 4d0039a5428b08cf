/**
 * A request (FINF, FSUM, ...) ends at once when its signal fires, connecting
 * or waiting for a silent peer's reply, instead of after the reply timeout:
 * cancelling a fetch, or closing the node, must not wait 15-30 s.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import {test} from 'node:test';
import {TransferCancelledError} from '../../source/protocol/errors.js';
import {requestFrames} from '../../source/node/net/peer-client.js';
import {testNetwork} from '../support/network.js';
import {LOOPBACK, rawFrame} from '../support/raw-client.js';

const SHORT = {timeout: 10_000};
/** Far longer than the test may take: only the signal can end the wait. */
const SILENT_MS = 60_000;

test(
  'a cancel ends a request whose peer stays silent, and closes its connection',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    let askedWith: (socket: net.Socket) => void = () => undefined;
    const asked = new Promise<net.Socket>((resolve) => (askedWith = resolve));
    const peer = await network.startFakePeer({
      onRequest: (_request, socket) => askedWith(socket),
    });
    const controller = new AbortController();
    const reply = requestFrames({host: LOOPBACK, port: peer.port}, 'FINF', 'file.bin', {
      replyTimeoutMs: SILENT_MS,
      replyDeadlineMs: SILENT_MS,
      signal: controller.signal,
    });
    const peerSocket = await asked;
    const closed = new Promise<void>((resolve) => peerSocket.once('close', resolve));
    controller.abort();
    await assert.rejects(reply, TransferCancelledError);
    await closed;
  },
);

test(
  'an aborted signal sends nothing; without a cancel the reply arrives as before',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const peer = await network.startFakePeer({
      onRequest: (_request, socket) => void socket.end(rawFrame('REPL', '12 abc')),
    });
    const address = {host: LOOPBACK, port: peer.port};
    await assert.rejects(
      requestFrames(address, 'FINF', 'file.bin', {signal: AbortSignal.abort()}),
      TransferCancelledError,
    );
    assert.equal(peer.requests.length, 0, 'no request reached the peer');
    const frames = await requestFrames(address, 'FINF', 'file.bin', {
      signal: new AbortController().signal,
    });
    assert.deepEqual(
      frames.map((frame) => `${frame.type} ${frame.data.toString('utf8')}`),
      ['REPL 12 abc'],
    );
  },
);
