/**
 * Issue 9 #5, the forged-RESP and QUER floods, against a real node over
 * TCP: rates per peer hold, the catalogue stays bounded and keeps the
 * user's own results, big keys cost nothing, and NAME is still answered.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {limitDefault, type LimitName} from '../../source/node/limits.js';
import {eventually} from '../support/eventually.js';
import {testNetwork} from '../support/network.js';
import {rawFrame, rawRequest} from '../support/raw-client.js';

const SHORT = {timeout: 90_000};
const PARALLEL = 16;

/** Sends every frame on its own connection, PARALLEL at a time. */
async function flood(port: number, frames: Buffer[]): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < frames.length) {
      const frame = frames[next++] as Buffer;
      await rawRequest(port, frame).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({length: PARALLEL}, lane));
}

/** At most a burst of a tenth of the limit, then the limit per minute. */
function assertWithinRate(taken: number, limit: LimitName, started: number): void {
  const perMinute = limitDefault(limit);
  const seconds = (Date.now() - started) / 1_000;
  const allowed = perMinute / 10 + (perMinute * seconds) / 60 + 1;
  assert.ok(taken <= allowed, `${limit}: ${taken} taken in ${seconds.toFixed(1)} s`);
}

async function assertAnswersName(port: number, id: string): Promise<void> {
  assert.deepEqual(await rawRequest(port, rawFrame('NAME')), rawFrame('REPL', id));
}

test(
  'a forged-RESP flood is held to the per-peer rate; the catalogue stays bounded and a real result is kept',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const node = await network.startNode();
    await node.search('wanted');
    const started = Date.now();
    const frames = Array.from({length: 3_000}, (_, index) =>
      rawFrame('RESP', `forged-${index}.bin 10.66.0.${index % 250}:${1_000 + index}`),
    );
    await flood(node.port, frames);
    await assertAnswersName(node.port, node.id);
    assertWithinRate(node.searchStats().responsesReceived, 'responses-per-peer', started);
    const forged = node.files().filter((file) => file.name.startsWith('forged-')).length;
    assert.ok(
      forged <= limitDefault('catalog-unsolicited-names'),
      `${forged} forged names`,
    );
    assert.ok(
      node
        .recentLog()
        .some((entry) =>
          /^limit responses-per-peer hit by 127\.0\.0\.1:/.test(entry.message),
        ),
    );

    // The real answer comes from the same address (loopback): it is taken as
    // soon as the bucket has a token again, and kept as the user's result.
    const owner = await network.startFakePeer();
    await eventually(async () => {
      await rawRequest(node.port, rawFrame('RESP', `wanted-1.txt ${owner.id}`));
      return node.file('wanted-1.txt') !== undefined;
    }, 'the real result taken');
    assert.deepEqual(node.latestSearch()?.names, ['wanted-1.txt']);
  },
);

test(
  'QUER with 60 KiB keys are acknowledged and dropped; a QUER flood is held to the rate',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const node = await network.startNode();
    const asker = await network.startFakePeer();
    const bigKey = 'k'.repeat(60 * 1024);
    const big = Array.from({length: 60}, () =>
      rawFrame('QUER', `${asker.id} ${bigKey} 4`),
    );
    const ack = await rawRequest(node.port, big[0] as Buffer);
    assert.equal(
      ack.subarray(0, 4).toString('latin1'),
      'REPL',
      'acknowledged as the original does',
    );
    await flood(node.port, big.slice(1));
    assert.equal(
      node.searchStats().queriesProcessed,
      0,
      'no big key was matched or forwarded',
    );
    assert.ok(
      node
        .recentLog()
        .some((entry) => /^limit query-key-bytes hit by/.test(entry.message)),
    );

    const started = Date.now();
    const small = Array.from({length: 600}, (_, index) =>
      rawFrame('QUER', `${asker.id} key${index} 4`),
    );
    await flood(node.port, small);
    await assertAnswersName(node.port, node.id);
    assertWithinRate(node.searchStats().queriesReceived, 'queries-per-peer', started);
  },
);
