import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {QueryMemory} from '../../source/node/search/query-memory.js';
import {FakeClock} from '../node/fake-collaborators.js';

const query = (key: string, ttl: number, returnPeerId = '10.0.0.9:1') => ({
  returnPeerId,
  key,
  ttl,
});
const REPEAT_MS = 1_000;

describe('QueryMemory', () => {
  test('drops a flood copy with no more ttl; a copy with more ttl travels on', () => {
    const memory = new QueryMemory(new FakeClock().read, {repeatWindowMs: REPEAT_MS});
    assert.equal(memory.admit(query('a', 3)), 'new');
    assert.equal(memory.admit(query('a', 3)), undefined);
    assert.equal(memory.admit(query('a', 2)), undefined);
    assert.equal(memory.admit(query('a', 4)), 'further', 'a shorter path is never lost');
    assert.equal(memory.admit(query('a', 3)), undefined);
    assert.equal(memory.admit(query('a', 4, '10.0.0.8:1')), 'new', 'another asker');
    assert.equal(memory.admit(query('b', 1)), 'new', 'another key');
  });

  test('a search its person repeats is answered again; late flood copies are not', () => {
    const clock = new FakeClock();
    const memory = new QueryMemory(clock.read, {repeatWindowMs: REPEAT_MS});
    assert.equal(memory.admit(query('a', 4)), 'new');
    clock.advance(REPEAT_MS - 1);
    assert.equal(memory.admit(query('a', 4)), undefined, 'a copy within the window');
    clock.advance(1);
    assert.equal(
      memory.admit(query('a', 2)),
      undefined,
      'a late copy from a longer path',
    );
    assert.equal(memory.admit(query('a', 4)), 'repeat', 'the person searched again');
    assert.equal(memory.admit(query('a', 4)), undefined, 'its flood copy');
  });

  test('forgets a query after a while, and never holds more than its bound', () => {
    const clock = new FakeClock();
    const memory = new QueryMemory(clock.read, {maxEntries: 100, forgetAfterMs: 60_000});
    for (let index = 0; index < 1_000; index++) memory.admit(query(`k${index}`, 1));
    assert.equal(memory.size, 100);
    assert.equal(memory.admit(query('k999', 1)), undefined, 'the newest are kept');
    assert.equal(memory.admit(query('k0', 1)), 'new', 'the oldest were forgotten');
    clock.advance(60_000);
    memory.admit(query('fresh', 1));
    assert.equal(memory.size, 1);
  });
});
