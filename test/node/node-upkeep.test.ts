import assert from 'node:assert/strict';
import {test} from 'node:test';
import {NodeUpkeep, SHARES_CHANGED_DELAY_MS} from '../../source/node/node-upkeep.js';

/** An upkeep whose tasks only count their runs. */
function countingUpkeep(intervals: {
  stabilizeIntervalMs: number;
  topUpIntervalMs: number;
}) {
  const runs = {neighbours: 0, owners: 0, topUp: 0, announced: 0};
  let open = true;
  const upkeep = new NodeUpkeep(intervals, {
    stabilize: [async () => void runs.neighbours++, async () => void runs.owners++],
    topUp: async () => void runs.topUp++,
    announceShares: async () => void runs.announced++,
    isOpen: () => open,
  });
  return {upkeep, runs, close: () => (open = false)};
}

test('a burst of share changes is announced once, after the delay, and not once closed', (t) => {
  t.mock.timers.enable({apis: ['setTimeout']});
  const {upkeep, runs, close} = countingUpkeep({
    stabilizeIntervalMs: 0,
    topUpIntervalMs: 0,
  });
  upkeep.sharesChanged();
  upkeep.sharesChanged();
  t.mock.timers.tick(SHARES_CHANGED_DELAY_MS - 1);
  upkeep.sharesChanged();
  assert.equal(runs.announced, 0, 'held back within the delay');
  t.mock.timers.tick(1);
  assert.equal(runs.announced, 1);
  upkeep.sharesChanged();
  t.mock.timers.tick(SHARES_CHANGED_DELAY_MS);
  assert.equal(runs.announced, 2, 'a later burst is announced again');
  close();
  upkeep.sharesChanged();
  t.mock.timers.tick(SHARES_CHANGED_DELAY_MS);
  assert.equal(runs.announced, 2);
});

test('the stabilizer runs every check each interval, the top-up its own; stop ends all', (t) => {
  t.mock.timers.enable({apis: ['setInterval', 'setTimeout']});
  const {upkeep, runs} = countingUpkeep({stabilizeIntervalMs: 100, topUpIntervalMs: 250});
  upkeep.start();
  t.mock.timers.tick(500);
  assert.deepEqual(runs, {neighbours: 5, owners: 5, topUp: 2, announced: 0});
  upkeep.sharesChanged();
  upkeep.stop();
  t.mock.timers.tick(1000);
  assert.deepEqual(runs, {neighbours: 5, owners: 5, topUp: 2, announced: 0});
});

test('an interval of 0 turns its timer off', (t) => {
  t.mock.timers.enable({apis: ['setInterval']});
  const {upkeep, runs} = countingUpkeep({stabilizeIntervalMs: 0, topUpIntervalMs: 0});
  upkeep.start();
  t.mock.timers.tick(60_000);
  assert.deepEqual(runs, {neighbours: 0, owners: 0, topUp: 0, announced: 0});
  upkeep.stop();
});

test('checkPeers runs every check once and waits for all of them', async () => {
  const finished: string[] = [];
  const upkeep = new NodeUpkeep(
    {stabilizeIntervalMs: 0, topUpIntervalMs: 0},
    {
      stabilize: [
        async () => void finished.push('neighbours'),
        () =>
          new Promise<void>((resolve) => setImmediate(resolve)).then(
            () => void finished.push('tables'),
          ),
      ],
      topUp: async () => {},
      announceShares: async () => {},
      isOpen: () => true,
    },
  );
  await upkeep.checkPeers();
  assert.deepEqual(finished, ['neighbours', 'tables']);
});
