import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {IncomingRequest, ReplyWriter} from '../../source/node/net/peer-server.js';
import {createDispatcher, RequestCounts} from '../../source/node/request-dispatch.js';
import {RecordingLog} from './fake-collaborators.js';

const request = (type: string): IncomingRequest => ({
  type,
  data: Buffer.from('data'),
  remote: '10.0.0.2:5000',
});
const noReply = {} as ReplyWriter;

test('each type goes to its handler; a type without one is closed with a debug line', async () => {
  const log = new RecordingLog();
  const handled: string[] = [];
  const dispatch = createDispatcher(
    {NAME: (incoming) => void handled.push(`NAME ${incoming.data.toString()}`)},
    log.log,
  );
  await dispatch(request('NAME'), noReply);
  await dispatch(request('PING'), noReply);
  await dispatch(request('CONSTRUCTOR'.slice(0, 4)), noReply);
  await dispatch(request('toString'), noReply);
  assert.deepEqual(handled, ['NAME data']);
  assert.deepEqual(
    log.lines.map((line) => `${line.level} ${line.message}`),
    [
      'debug closed PING from 10.0.0.2:5000 without a reply',
      'debug closed CONS from 10.0.0.2:5000 without a reply',
      'debug closed toString from 10.0.0.2:5000 without a reply',
    ],
  );
});

test('requests are counted by handled type; every other type counts as one key', async () => {
  const handlers = {NAME: () => {}, LIST: () => {}};
  const counts = new RequestCounts(handlers);
  const dispatch = createDispatcher(handlers, new RecordingLog().log, counts);
  for (const type of ['NAME', 'NAME', 'LIST', 'PING', 'XXXX', 'toString']) {
    await dispatch(request(type), noReply);
  }
  assert.deepEqual(counts.snapshot(), {NAME: 2, LIST: 1, other: 3});
});
