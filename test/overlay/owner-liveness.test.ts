import assert from 'node:assert/strict';
import {test} from 'node:test';
import {OwnerLiveness} from '../../source/node/overlay/owner-liveness.js';
import type {PeerAddress} from '../../source/protocol/messages.js';
import {RecordingLog} from '../node/fake-collaborators.js';

function setup(owners: string[], dead: string[], maxProbes: number) {
  const probed: string[] = [];
  const forgotten: string[] = [];
  const log = new RecordingLog();
  const liveness = new OwnerLiveness({
    owners: () => owners.filter((owner) => !forgotten.includes(owner)),
    probe: async ({host, port}: PeerAddress) => {
      probed.push(`${host}:${port}`);
      return !dead.includes(`${host}:${port}`);
    },
    forget: (owner) => forgotten.push(owner),
    isOpen: () => true,
    log: log.log,
    maxProbes,
  });
  return {liveness, probed, forgotten, log};
}

const owners = ['10.0.0.1:1', '10.0.0.2:1', '10.0.0.3:1', '10.0.0.4:1', '10.0.0.5:1'];

test('probes at most owner-probes owners a round, in turn, and forgets the dead', async () => {
  const {liveness, probed, forgotten, log} = setup(owners, ['10.0.0.4:1'], 2);
  await liveness.check();
  assert.deepEqual(probed, ['10.0.0.1:1', '10.0.0.2:1']);
  assert.ok(log.has(/limit owner-probes hit/));
  await liveness.check();
  assert.deepEqual(probed.slice(2), ['10.0.0.3:1', '10.0.0.4:1']);
  assert.deepEqual(forgotten, ['10.0.0.4:1']);
  await liveness.check();
  assert.deepEqual(probed.slice(4), ['10.0.0.5:1', '10.0.0.1:1'], 'wraps around');
});

test('a suspect (a neighbour that left) is probed first; an owner no longer listed is not', async () => {
  const {liveness, probed, forgotten} = setup(owners, ['10.0.0.5:1'], 2);
  liveness.suspect('10.0.0.5:1');
  liveness.suspect('10.0.0.9:1');
  await liveness.check();
  assert.deepEqual(probed, ['10.0.0.5:1', '10.0.0.1:1']);
  assert.deepEqual(forgotten, ['10.0.0.5:1']);
});
