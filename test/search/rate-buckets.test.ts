import assert from 'node:assert/strict';
import {test} from 'node:test';
import {perMinute, RateBuckets} from '../../source/node/search/rate-buckets.js';
import {FakeClock} from '../node/fake-collaborators.js';

test('a burst of a tenth of the rate, then the rate, per key', () => {
  const clock = new FakeClock();
  const buckets = new RateBuckets(perMinute(600), clock.read);
  let taken = 0;
  while (buckets.take('a')) taken++;
  assert.equal(taken, 60, 'the burst');
  assert.equal(buckets.take('b'), true, 'another key has its own bucket');
  clock.advance(1_000);
  taken = 0;
  while (buckets.take('a')) taken++;
  assert.equal(taken, 10, '600 per minute is 10 per second');
});

test('holds a bounded number of keys however many ask', () => {
  const clock = new FakeClock();
  const buckets = new RateBuckets(perMinute(60), clock.read, 100);
  for (let index = 0; index < 10_000; index++) buckets.take(`k${index}`);
  assert.ok(buckets.size <= 100, `${buckets.size} keys`);
  clock.advance(60_000);
  for (let index = 0; index < 5_000; index++) buckets.take(`n${index}`);
  assert.ok(buckets.size <= 100);
});
