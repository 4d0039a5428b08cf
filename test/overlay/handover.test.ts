/**
 * HAND on its own, with scripted peers: who may ask, what is checked, and
 * what a full node does with the answer.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Overlay} from '../../source/node/overlay/overlay.js';
import {TopUpPacer} from '../../source/node/overlay/top-up-pacer.js';
import {MessageType, ReplyText} from '../../source/protocol/messages.js';
import {HandoverText} from '../../source/protocol/overlay-messages.js';
import {
  error,
  FakeNetwork,
  RecordingLog,
  RecordingReply,
  reply,
  seededRandom,
} from '../node/fake-collaborators.js';
import {joinText, peer, SELF, welcoming} from './scripted-peers.js';

async function overlayWith(network: FakeNetwork, maxPeers: number, neighbours: number[]) {
  const log = new RecordingLog();
  const overlay = new Overlay({
    self: () => SELF,
    isOpen: () => true,
    maxPeers,
    request: network.request,
    probe: network.probe,
    log: log.log,
    random: seededRandom(3),
  });
  for (const n of neighbours) {
    network.set(peer(n).id, welcoming(peer(n).id));
    await overlay.answerJoin(joinText(peer(n)), new RecordingReply());
  }
  return {overlay, log};
}

async function answerHand(overlay: Overlay, data: string, remote: string) {
  const recorded = new RecordingReply();
  await overlay.answerHandover(data, remote, recorded);
  return recorded.frames;
}

test('HAND from a neighbour links to the newcomer in its place', async () => {
  const network = new FakeNetwork();
  const {overlay} = await overlayWith(network, 2, [1, 2]);
  network.set(peer(9).id, welcoming(peer(9).id));
  const data = `${peer(1).id} ${joinText(peer(9))}`;
  assert.deepEqual(await answerHand(overlay, data, `${peer(1).host}:5000`), [
    `REPL ${HandoverText.linked(peer(9).id)}`,
  ]);
  assert.deepEqual(
    overlay.peers().map((known) => known.id),
    [peer(2).id, peer(9).id],
  );
  const toNewcomer = network.sent
    .filter((sent) => sent.to === peer(9).id)
    .map((sent) => sent.type);
  assert.deepEqual(toNewcomer, [MessageType.name, MessageType.join]);
});

test('HAND is refused from a stranger, from another host, for a known newcomer, or when the newcomer will not link', async () => {
  const network = new FakeNetwork();
  const {overlay} = await overlayWith(network, 2, [1, 2]);
  network.set(peer(8).id, welcoming('10.0.9.9:7'));
  const cases: Array<[string, string, string]> = [
    ['bad', `${peer(1).host}:1`, HandoverText.incorrect],
    [
      `${peer(5).id} ${joinText(peer(9))}`,
      `${peer(5).host}:1`,
      HandoverText.notAPeer(peer(5).id),
    ],
    [
      `${peer(1).id} ${joinText(peer(9))}`,
      '10.0.7.7:1',
      HandoverText.notFromPeer(peer(1).id),
    ],
    [
      `${peer(1).id} ${joinText(peer(2))}`,
      `${peer(1).host}:1`,
      HandoverText.alreadyLinked(peer(2).id),
    ],
    [
      `${peer(1).id} ${joinText(peer(8))}`,
      `${peer(1).host}:1`,
      HandoverText.cannotLink(peer(8).id),
    ],
  ];
  for (const [data, remote, answer] of cases) {
    assert.deepEqual(await answerHand(overlay, data, remote), [`ERRO ${answer}`], data);
  }
  assert.deepEqual(
    overlay.peers().map((known) => known.id),
    [peer(1).id, peer(2).id],
  );
});

test('a full node hands a neighbour over to a confirmed newcomer, skipping one that closes HAND', async () => {
  const network = new FakeNetwork();
  const {overlay, log} = await overlayWith(network, 2, [1, 2]);
  network.set(peer(1).id, welcoming(peer(1).id, {HAND: () => []}));
  network.set(peer(2).id, welcoming(peer(2).id, {HAND: () => [reply('Hand: linked')]}));
  network.set(peer(9).id, welcoming(peer(9).id));
  const recorded = new RecordingReply();
  await overlay.answerJoin(joinText(peer(9)), recorded);
  assert.deepEqual(recorded.frames, [`REPL ${ReplyText.joinAdded(peer(9).id)}`]);
  assert.deepEqual(
    overlay.peers().map((known) => known.id),
    [peer(1).id, peer(9).id],
  );
  assert.ok(log.has(/handed over/));

  // peer(1) closed HAND without a reply: an original, not asked again.
  network.set(peer(2).id, welcoming(peer(2).id));
  network.set(peer(9).id, welcoming(peer(9).id, {HAND: () => [error('Hand: busy')]}));
  network.set(peer(8).id, welcoming(peer(8).id));
  const before = network.sentOf('HAND').filter((sent) => sent.to === peer(1).id).length;
  const second = new RecordingReply();
  await overlay.answerJoin(joinText(peer(8)), second);
  assert.deepEqual(second.frames, [`ERRO ${ReplyText.joinTooMany}`]);
  assert.equal(
    network.sentOf('HAND').filter((sent) => sent.to === peer(1).id).length,
    before,
  );
});

test('the top-up pacer skips 1, 3, 7 … ticks after fruitless looks, at most its bound, and resets', () => {
  const pacer = new TopUpPacer(4);
  const ticks = (count: number): boolean[] =>
    Array.from({length: count}, () => pacer.mayLook());
  pacer.foundNone();
  assert.deepEqual(ticks(2), [false, true]);
  pacer.foundNone();
  assert.deepEqual(ticks(4), [false, false, false, true]);
  pacer.foundNone();
  assert.deepEqual(ticks(5), [false, false, false, false, true], 'capped at 4');
  pacer.reset();
  assert.equal(pacer.mayLook(), true);
});

test('the top-up links to a peer found by a walk from a neighbour; never with max-peers 0', async () => {
  for (const maxPeers of [3, 0]) {
    const network = new FakeNetwork();
    const {overlay} = await overlayWith(network, maxPeers, [1]);
    // peer 1 lists peer 2, which lists peer 3: the walk ends at a peer with room.
    const lists: Record<string, string[]> = {
      [peer(1).id]: [peer(2).id],
      [peer(2).id]: [peer(3).id],
      [peer(3).id]: [],
    };
    for (const n of [1, 2, 3]) {
      const listed = lists[peer(n).id] ?? [];
      network.set(
        peer(n).id,
        welcoming(peer(n).id, {
          LIST: () => [
            reply(String(listed.length)),
            ...listed.map((id) => reply(`${id} ${id.replace(':', ' ')}`)),
          ],
        }),
      );
    }
    await overlay.topUp();
    const ids = overlay.peers().map((known) => known.id);
    if (maxPeers === 0) assert.deepEqual(ids, [peer(1).id]);
    else assert.equal(ids.length, 2, `linked one more: ${ids.join(', ')}`);
  }
});

test('a HAND whose answer was lost: if the neighbour no longer lists us, the newcomer takes its slot', async () => {
  const network = new FakeNetwork();
  const {overlay} = await overlayWith(network, 1, [1]);
  network.set(
    peer(1).id,
    welcoming(peer(1).id, {
      HAND: () => {
        throw new Error('timed out');
      },
    }),
  );
  network.set(peer(9).id, welcoming(peer(9).id));
  const recorded = new RecordingReply();
  await overlay.answerJoin(joinText(peer(9)), recorded);
  assert.deepEqual(recorded.frames, [`REPL ${ReplyText.joinAdded(peer(9).id)}`]);
  assert.deepEqual(
    overlay.peers().map((known) => known.id),
    [peer(9).id],
  );
});
