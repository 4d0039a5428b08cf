import assert from 'node:assert/strict';
import {test} from 'node:test';
import {replyBudget} from '../../source/node/net/reply-budget.js';
import type {Frame} from '../../source/protocol/frame.js';

const repl = (text: string): Frame => ({type: 'REPL', data: Buffer.from(text)});
const LIMITS = {replyTextBytes: 1_024, listReplyEntries: 256, replyBytes: 66_560};

test('a NAME reply is one short text frame, whole once it arrived', () => {
  for (const type of ['NAME', 'JOIN', 'QUIT', 'SIZE', 'RESP']) {
    const budget = replyBudget(type, 0, LIMITS);
    assert.equal(budget.maxFrames, 1, type);
    assert.equal(budget.maxFrameData, 1_024, type);
    assert.equal(budget.isComplete([repl('10.0.0.1:9000')]), true);
  }
});

test('a LIST reply is whole after its count of entries, at most 256 of them', () => {
  const budget = replyBudget('LIST', 0, LIMITS);
  assert.equal(budget.maxFrames, 257);
  assert.equal(budget.isComplete([repl('2'), repl('a:1 a 1')]), false);
  assert.equal(budget.isComplete([repl('2'), repl('a:1 a 1'), repl('b:1 b 1')]), true);
  assert.equal(budget.isComplete([repl('0')]), true);
  assert.equal(budget.isComplete([repl('many')]), true, 'a bad count ends the reply');
  assert.equal(budget.frameCountLimit, 'list-reply-entries');
});

test('a QUER ack may echo the key we sent, and no more', () => {
  assert.equal(replyBudget('QUER', 100, LIMITS).maxFrameData, 1_124);
  assert.equal(replyBudget('QUER', 65_536, LIMITS).maxFrameData, 66_560);
});

test('worst case of one request: at most 257 frames of 1 KiB', () => {
  const worst = Math.max(
    ...['NAME', 'LIST', 'JOIN', 'QUER', 'RESP', 'QUIT', 'SIZE', 'XTRA'].map((type) => {
      const budget = replyBudget(type, 65_536, LIMITS);
      return budget.maxFrames * (8 + budget.maxFrameData);
    }),
  );
  assert.ok(worst <= 300 * 1024, `${worst} bytes`);
});
