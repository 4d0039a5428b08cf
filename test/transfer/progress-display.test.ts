import assert from 'node:assert/strict';
import {test} from 'node:test';
import {describeTransfer} from '../../source/headless/output.js';
import type {TransferInfo} from '../../source/node/types.js';
import {transferActivity} from '../../source/ui/model/transfer-progress.js';

const running: TransferInfo = {
  id: 3,
  name: 'big.iso',
  owner: '10.0.0.2:9000',
  state: 'running',
  received: 1024,
  total: 4096,
  startedAt: 0,
};

test('the UI names the phase, several sources, or a resume', () => {
  assert.equal(transferActivity(running), undefined);
  assert.equal(transferActivity({...running, phase: 'fetching', sources: 1}), undefined);
  assert.equal(
    transferActivity({...running, phase: 'fetching', sources: 3}),
    '3 sources',
  );
  assert.equal(
    transferActivity({...running, phase: 'verifying', sources: 0}),
    'verifying',
  );
  assert.equal(
    transferActivity({...running, phase: 'fetching', resumedBytes: 10}),
    'resumed',
  );
});

test('headless progress lines carry phase, sources, rate and ETA when known', () => {
  assert.equal(
    describeTransfer({
      ...running,
      phase: 'fetching',
      sources: 2,
      rate: 2048,
      etaSeconds: 1.5,
    }),
    '#3 big.iso from 10.0.0.2:9000: running 1.0 KiB/4.0 KiB [fetching, 2 sources, 2.0 KiB/s, ETA 2 s]',
  );
  assert.equal(
    describeTransfer(running),
    '#3 big.iso from 10.0.0.2:9000: running 1.0 KiB/4.0 KiB',
  );
});
