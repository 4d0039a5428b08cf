/**
 * CEDE and SWAP on their own, with scripted peers: who may cede a slot,
 * that only the named peer takes it and only in time, what SWAP checks,
 * and the wire form of both.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Overlay} from '../../source/node/overlay/overlay.js';
import {ReplyText} from '../../source/protocol/messages.js';
import {
  CedeText,
  formatCede,
  formatSwap,
  parseCede,
  parseSwap,
  SwapText,
} from '../../source/protocol/overlay-messages.js';
import {
  FakeNetwork,
  RecordingLog,
  RecordingReply,
  reply,
  seededRandom,
} from '../node/fake-collaborators.js';
import {joinText, peer, SELF, welcoming} from './scripted-peers.js';
import {ManualClock} from '../support/manual-clock.js';

const HANDOVER_TIMEOUT_MS = 1_000;

async function fullOverlay(network: FakeNetwork, clock: ManualClock) {
  const overlay = new Overlay({
    self: () => SELF,
    isOpen: () => true,
    maxPeers: 2,
    request: network.request,
    probe: network.probe,
    log: new RecordingLog().log,
    random: seededRandom(5),
    now: () => clock.now(),
    limits: {handoverTimeoutMs: HANDOVER_TIMEOUT_MS},
  });
  for (const n of [1, 2]) {
    network.set(peer(n).id, welcoming(peer(n).id));
    await overlay.answerJoin(joinText(peer(n)), new RecordingReply());
  }
  return overlay;
}

async function ask(answer: (reply: RecordingReply) => Promise<void>): Promise<string[]> {
  const recorded = new RecordingReply();
  await answer(recorded);
  return recorded.frames;
}

const ids = (overlay: Overlay): string[] => overlay.peers().map((known) => known.id);

test('CEDE and SWAP round-trip; malformed ones are refused', () => {
  const cede = {fromId: peer(1).id, newcomerId: peer(9).id, newcomerDrops: peer(4).id};
  assert.deepEqual(parseCede(formatCede(cede)), cede);
  const swap = {
    from: {peerId: peer(3).id, host: peer(3).host, port: 7},
    dropId: peer(4).id,
    newcomer: {peerId: peer(5).id, host: peer(5).host, port: 7},
  };
  assert.deepEqual(parseSwap(formatSwap(swap)), swap);
  for (const bad of [
    '',
    'x y z',
    `${peer(1).id} ${peer(2).id}`,
    `${peer(1).id} ${peer(2).id} z`,
  ]) {
    assert.throws(() => parseCede(bad), bad);
  }
  for (const bad of [
    '',
    formatSwap(swap) + ' 1',
    formatSwap(swap).replace(' 7 ', ' x '),
  ]) {
    assert.throws(() => parseSwap(bad), bad);
  }
});

test('a ceded slot goes to the named peer only, from the neighbour only, and only in time', async () => {
  const network = new FakeNetwork();
  const clock = new ManualClock();
  const overlay = await fullOverlay(network, clock);
  network.set(peer(9).id, welcoming(peer(9).id));
  const cede = (from: number, newcomer: number, remote: string) =>
    ask((recorded) =>
      overlay.answerCede(
        formatCede({
          fromId: peer(from).id,
          newcomerId: peer(newcomer).id,
          newcomerDrops: peer(4).id,
        }),
        remote,
        recorded,
      ),
    );
  assert.deepEqual(await cede(5, 9, `${peer(5).host}:1`), [
    `ERRO ${CedeText.notAPeer(peer(5).id)}`,
  ]);
  assert.deepEqual(await cede(1, 9, '10.0.7.7:1'), [
    `ERRO ${CedeText.notFromPeer(peer(1).id)}`,
  ]);
  assert.deepEqual(await cede(1, 2, `${peer(1).host}:1`), [
    `ERRO ${CedeText.alreadyLinked(peer(2).id)}`,
  ]);

  // Ceded, but the time ran out: the full node does not drop peer 1.
  assert.deepEqual(await cede(1, 9, `${peer(1).host}:1`), [
    `REPL ${CedeText.expecting(peer(9).id)}`,
  ]);
  clock.advance(4 * HANDOVER_TIMEOUT_MS + 1);
  const late = await ask((recorded) => overlay.answerJoin(joinText(peer(9)), recorded));
  assert.deepEqual(late, [`ERRO ${ReplyText.joinTooMany}`]);
  assert.deepEqual(ids(overlay), [peer(1).id, peer(2).id]);

  // In time: peer 9 takes peer 1's place; another newcomer does not.
  await cede(1, 9, `${peer(1).host}:1`);
  network.set(peer(8).id, welcoming(peer(8).id));
  const other = await ask((recorded) => overlay.answerJoin(joinText(peer(8)), recorded));
  assert.deepEqual(other, [`ERRO ${ReplyText.joinTooMany}`]);
  clock.advance(4 * HANDOVER_TIMEOUT_MS);
  const taken = await ask((recorded) => overlay.answerJoin(joinText(peer(9)), recorded));
  assert.deepEqual(taken, [`REPL ${ReplyText.joinAdded(peer(9).id)}`]);
  assert.deepEqual(ids(overlay), [peer(2).id, peer(9).id]);
});

test('SWAP: checked, then the named neighbour is handed to the newcomer and the sender takes its place', async () => {
  const network = new FakeNetwork();
  const overlay = await fullOverlay(network, new ManualClock());
  const swap = (from: number, drop: number, newcomer: number) =>
    ask((recorded) =>
      overlay.answerSwap(
        formatSwap({
          from: {peerId: peer(from).id, host: peer(from).host, port: 7},
          dropId: peer(drop).id,
          newcomer: {peerId: peer(newcomer).id, host: peer(newcomer).host, port: 7},
        }),
        recorded,
      ),
    );
  assert.deepEqual(await ask((r) => overlay.answerSwap('bad', r)), [
    `ERRO ${SwapText.incorrect}`,
  ]);
  assert.deepEqual(await swap(1, 2, 9), [`ERRO ${SwapText.alreadyLinked(peer(1).id)}`]);
  assert.deepEqual(await swap(8, 5, 9), [`ERRO ${SwapText.notAPeer(peer(5).id)}`]);
  // The sender must answer NAME with its id.
  network.set(peer(8).id, welcoming('10.0.9.9:7'));
  assert.deepEqual(await swap(8, 2, 9), [`ERRO ${SwapText.notConfirmed(peer(8).id)}`]);
  // Peer 2 closes HAND (an original): no trade, and it is not asked again.
  network.set(peer(8).id, welcoming(peer(8).id));
  assert.deepEqual(await swap(8, 2, 9), [`ERRO ${SwapText.cannotLink(peer(9).id)}`]);
  assert.deepEqual(await swap(8, 2, 9), [`ERRO ${SwapText.notAPeer(peer(2).id)}`]);
  assert.deepEqual(ids(overlay), [peer(1).id, peer(2).id]);
  // Peer 1 links to peer 9 in our place: peer 8 takes its slot.
  network.set(peer(1).id, welcoming(peer(1).id, {HAND: () => [reply('Hand: linked')]}));
  assert.deepEqual(await swap(8, 1, 9), [`REPL ${SwapText.linked(peer(8).id)}`]);
  assert.deepEqual(ids(overlay), [peer(2).id, peer(8).id]);
  const hand = network.sent.find(
    (sent) => sent.type === 'HAND' && sent.to === peer(1).id,
  );
  assert.equal(hand?.data, `${SELF.id} ${joinText(peer(9))}`);
});
