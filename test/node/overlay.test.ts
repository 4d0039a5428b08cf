import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
  Overlay,
  QUIT_TIMEOUT_MS,
  type OverlayLimits,
} from '../../source/node/overlay/overlay.js';
import type {PeerInfo} from '../../source/node/types.js';
import {MessageType, ReplyText} from '../../source/protocol/messages.js';
import {OverlayReplyText} from '../../source/protocol/overlay-messages.js';
import {eventually} from '../support/eventually.js';
import {
  error,
  FakeNetwork,
  RecordingLog,
  RecordingReply,
  reply,
  seededRandom,
  type ScriptedPeer,
} from './fake-collaborators.js';

const SELF = {id: '10.0.0.1:9000', host: '10.0.0.1', port: 9000};

function makeOverlay(
  network: FakeNetwork,
  maxPeers = 5,
  limits: Partial<OverlayLimits> = {},
) {
  const log = new RecordingLog();
  const overlay = new Overlay({
    self: () => SELF,
    isOpen: () => true,
    maxPeers,
    request: network.request,
    probe: network.probe,
    log: log.log,
    random: seededRandom(7),
    limits,
  });
  const added: string[] = [];
  const removed: string[] = [];
  overlay.on('peer-added', (peer) => added.push(peer.id));
  overlay.on('peer-removed', (peer, reason) => removed.push(`${peer.id} ${reason}`));
  return {overlay, log, added, removed};
}

/** A peer as the original answers: NAME, JOIN (unless full), LIST of `knows`. */
function originalPeer(id: string, knows: string[], options: {full?: boolean} = {}) {
  const script: ScriptedPeer = (type) => {
    switch (type) {
      case MessageType.name:
        return [reply(id)];
      case MessageType.join:
        return options.full
          ? [error(ReplyText.joinTooMany)]
          : [reply(ReplyText.joinAdded(SELF.id))];
      case MessageType.list:
        return [
          reply(String(knows.length)),
          ...knows.map((peer) => reply(`${peer} ${peer.replace(':', ' ')}`)),
        ];
      case MessageType.quit:
        return [reply(ReplyText.quitRemoved(SELF.id))];
      default:
        return [];
    }
  };
  return script;
}

describe('Overlay.buildPeers', () => {
  test('asks the contact NAME and LIST and joins it; with hops 1 nothing more', async () => {
    const network = new FakeNetwork();
    network.set('10.0.0.2:1', originalPeer('10.0.0.2:1', ['10.0.0.3:1']));
    network.set('10.0.0.3:1', originalPeer('10.0.0.3:1', []));
    const {overlay, added} = makeOverlay(network);
    assert.equal(await overlay.buildPeers('10.0.0.2', 1, 1), 1);
    assert.deepEqual(added, ['10.0.0.2:1']);
    assert.deepEqual(
      network.sent.map((sent) => `${sent.type} ${sent.to}`),
      ['NAME 10.0.0.2:1', 'LIST 10.0.0.2:1', 'JOIN 10.0.0.2:1'],
    );
    assert.equal(network.sent[2]?.data, `${SELF.id} ${SELF.host} ${SELF.port}`);
  });

  test('finds each further neighbour at the end of a random walk from the contact', async () => {
    const network = new FakeNetwork();
    network.set('10.0.0.2:1', originalPeer('10.0.0.2:1', ['10.0.0.3:1']));
    network.set('10.0.0.3:1', originalPeer('10.0.0.3:1', ['10.0.0.4:1']));
    network.set('10.0.0.4:1', originalPeer('10.0.0.4:1', []));
    const {overlay, added} = makeOverlay(network);
    assert.equal(await overlay.buildPeers('10.0.0.2', 1), 3);
    // The walk 2 → 3 → 4 ends at 4; the next one's last new peer is 3.
    assert.deepEqual(added, ['10.0.0.2:1', '10.0.0.4:1', '10.0.0.3:1']);
  });

  test('a full contact is still asked for its peers, so the join goes on past it', async () => {
    const network = new FakeNetwork();
    network.set('10.0.0.2:1', originalPeer('10.0.0.2:1', ['10.0.0.3:1'], {full: true}));
    network.set('10.0.0.3:1', originalPeer('10.0.0.3:1', []));
    const {overlay, added, log} = makeOverlay(network);
    await overlay.buildPeers('10.0.0.2', 1, 2);
    assert.deepEqual(added, ['10.0.0.3:1']);
    assert.ok(log.has(/10\.0\.0\.2:1 is full/));
  });

  test('when every contact is full, a one-way link to the first is kept', async () => {
    const network = new FakeNetwork();
    network.set('10.0.0.2:1', originalPeer('10.0.0.2:1', [], {full: true}));
    const {overlay, added, log} = makeOverlay(network);
    assert.equal(await overlay.buildPeers('10.0.0.2', 1), 1);
    assert.deepEqual(added, ['10.0.0.2:1']);
    assert.ok(log.has(/one-way link/));
  });

  test('stops at max-peers, skips itself and never asks a contact twice', async () => {
    const network = new FakeNetwork();
    const ids = ['10.0.0.2:1', '10.0.0.3:1', '10.0.0.4:1'];
    for (const id of ids) network.set(id, originalPeer(id, [SELF.id]));
    network.set('10.0.0.2:1', originalPeer('10.0.0.2:1', [...ids, SELF.id]));
    const {overlay, added} = makeOverlay(network, 2);
    await overlay.buildPeers('10.0.0.2', 1, 5);
    assert.equal(added.length, 2);
    assert.equal(added[0], '10.0.0.2:1');
    assert.equal(network.sent.filter((sent) => sent.to === SELF.id).length, 0);
    const names = network.sentOf(MessageType.name).map((sent) => sent.to);
    assert.deepEqual(names, [...new Set(names)]);
  });

  test('with one slot left, a contact that looks full is not asked to JOIN', async () => {
    const network = new FakeNetwork();
    const many = ['10.0.0.5:1', '10.0.0.6:1', '10.0.0.7:1'];
    network.set('10.0.0.2:1', originalPeer('10.0.0.2:1', ['10.0.0.3:1']));
    network.set('10.0.0.3:1', originalPeer('10.0.0.3:1', many));
    const {overlay, added} = makeOverlay(network, 2);
    await overlay.buildPeers('10.0.0.2', 1, 2);
    assert.deepEqual(added, ['10.0.0.2:1']);
    assert.deepEqual(
      network.sentOf(MessageType.join).map((sent) => sent.to),
      ['10.0.0.2:1'],
    );
  });

  test('a join asks at most join-contacts peers', async () => {
    const network = new FakeNetwork();
    const ids = Array.from({length: 30}, (_, n) => `10.0.2.${n}:1`);
    for (const id of ids) network.set(id, originalPeer(id, ids, {full: true}));
    const {overlay} = makeOverlay(network, 5, {joinContacts: 4});
    await overlay.buildPeers('10.0.2.0', 1, 3);
    // The contact (NAME, LIST, JOIN), then three walk steps (a LIST each).
    assert.equal(network.sentOf(MessageType.list).length, 4);
    assert.equal(network.sentOf(MessageType.name).length, 1);
  });

  test('a malformed LIST is skipped with a warning, not thrown', async () => {
    const network = new FakeNetwork();
    network.set('10.0.0.2:1', (type) =>
      type === MessageType.list
        ? [reply('lots'), reply('x')]
        : originalPeer('10.0.0.2:1', [])(type, ''),
    );
    const {overlay, added, log} = makeOverlay(network);
    assert.equal(await overlay.buildPeers('10.0.0.2', 1), 1);
    assert.deepEqual(added, ['10.0.0.2:1']);
    assert.ok(log.has(/bad LIST count/));
  });

  test('an unreachable contact is one warning', async () => {
    const {overlay, log} = makeOverlay(new FakeNetwork());
    assert.equal(await overlay.buildPeers('10.0.0.9', 1), 0);
    assert.ok(log.has(/cannot join through 10\.0\.0\.9:1/));
  });
});

describe('Overlay answers and liveness', () => {
  const joinText = (peer: PeerInfo) => `${peer.id} ${peer.host} ${peer.port}`;
  const peer = (n: number): PeerInfo => ({
    id: `10.0.1.${n}:7`,
    host: `10.0.1.${n}`,
    port: 7,
  });
  /** A network in which peers 1-9 answer as the original with empty lists. */
  const namedNetwork = (): FakeNetwork => {
    const network = new FakeNetwork();
    for (let n = 1; n <= 9; n++) network.set(peer(n).id, originalPeer(peer(n).id, []));
    return network;
  };
  const answerOf = (overlay: Overlay) => async (text: string) => {
    const recorded = new RecordingReply();
    await overlay.answerJoin(text, recorded);
    return recorded.frames;
  };

  test('JOIN adds, refuses duplicates, itself, a full table and bad arguments', async () => {
    const {overlay} = makeOverlay(namedNetwork(), 2);
    const answer = answerOf(overlay);
    assert.deepEqual(await answer(joinText(peer(1))), [
      `REPL ${ReplyText.joinAdded(peer(1).id)}`,
    ]);
    assert.deepEqual(await answer(joinText(peer(1))), [
      `ERRO ${ReplyText.joinAlreadyInserted(peer(1).id)}`,
    ]);
    assert.deepEqual(await answer(joinText(SELF)), [
      `ERRO ${ReplyText.joinAlreadyInserted(SELF.id)}`,
    ]);
    assert.deepEqual(await answer('only two'), [`ERRO ${ReplyText.joinIncorrect}`]);
    await answer(joinText(peer(2)));
    assert.deepEqual(await answer(joinText(peer(3))), [`ERRO ${ReplyText.joinTooMany}`]);
  });

  test('a forged JOIN is refused: the announced address must answer NAME with the id', async () => {
    const network = namedNetwork();
    network.set(peer(2).id, originalPeer('10.0.1.99:7', []));
    const {overlay, log} = makeOverlay(network);
    const answer = answerOf(overlay);
    const forged = {id: '10.0.9.9:7', host: '10.0.9.9', port: 7};
    assert.deepEqual(await answer(joinText(forged)), [
      `ERRO ${OverlayReplyText.joinNotConfirmed(forged.id)}`,
    ]);
    assert.deepEqual(await answer(joinText(peer(2))), [
      `ERRO ${OverlayReplyText.joinNotConfirmed(peer(2).id)}`,
    ]);
    assert.ok(log.has(/answers NAME as 10\.0\.1\.99:7/));
    assert.deepEqual(overlay.peers(), []);
  });

  test('LIST answers the count, then one entry per peer', async () => {
    const {overlay} = makeOverlay(namedNetwork());
    await overlay.answerJoin(joinText(peer(1)), new RecordingReply());
    const recorded = new RecordingReply();
    await overlay.answerList(recorded);
    assert.deepEqual(recorded.frames, ['REPL 1', `REPL ${joinText(peer(1))}`]);
  });

  test('QUIT from the peer address is answered, then acted on once its LIST no longer has us', async () => {
    const {overlay, removed} = makeOverlay(namedNetwork());
    await overlay.answerJoin(joinText(peer(1)), new RecordingReply());
    const first = new RecordingReply();
    await overlay.answerQuit(`  ${peer(1).id}\n`, `${peer(1).host}:40000`, first);
    assert.deepEqual(first.frames, [`REPL ${ReplyText.quitRemoved(peer(1).id)}`]);
    await eventually(() => removed.length > 0, 'the peer removed');
    assert.deepEqual(removed, [`${peer(1).id} quit`]);
    const second = new RecordingReply();
    await overlay.answerQuit(peer(1).id, `${peer(1).host}:40001`, second);
    assert.deepEqual(second.frames, [`ERRO ${ReplyText.quitNotFound(peer(1).id)}`]);
  });

  test('QUIT from a stranger, or for a peer that still lists us, removes no one', async () => {
    const network = namedNetwork();
    network.set(peer(2).id, originalPeer(peer(2).id, [SELF.id]));
    const {overlay, removed, log} = makeOverlay(network, 5, {quitRecheckMs: 5});
    for (const n of [1, 2])
      await overlay.answerJoin(joinText(peer(n)), new RecordingReply());
    const stranger = new RecordingReply();
    await overlay.answerQuit(peer(1).id, '10.0.7.7:40000', stranger);
    assert.deepEqual(stranger.frames, [
      `ERRO ${OverlayReplyText.quitNotFromPeer(peer(1).id)}`,
    ]);
    await overlay.answerQuit(peer(2).id, `${peer(2).host}:40000`, new RecordingReply());
    await eventually(
      () => log.has(/QUIT for 10\.0\.1\.2:7 ignored: it still lists/),
      'the QUIT ignored',
    );
    assert.equal(
      network.sentOf(MessageType.list).filter((sent) => sent.to === peer(2).id).length,
      2,
    );
    assert.deepEqual(removed, []);
    assert.equal(overlay.size, 2);
  });

  test('checkPeers drops exactly the peers that refuse connections', async () => {
    const network = namedNetwork();
    const {overlay, removed} = makeOverlay(network);
    for (const n of [1, 2])
      await overlay.answerJoin(joinText(peer(n)), new RecordingReply());
    network.remove(peer(2).id);
    await overlay.checkPeers();
    assert.deepEqual(removed, [`${peer(2).id} unreachable`]);
    assert.deepEqual(
      overlay.peers().map((known) => known.id),
      [peer(1).id],
    );
  });

  test('removePeer says QUIT and forgets the peer even when QUIT fails', async () => {
    const network = namedNetwork();
    const {overlay, removed, log} = makeOverlay(network);
    await overlay.answerJoin(joinText(peer(1)), new RecordingReply());
    network.remove(peer(1).id);
    await overlay.removePeer(peer(1).id);
    assert.deepEqual(network.sentOf(MessageType.quit), [
      {to: peer(1).id, type: MessageType.quit, data: SELF.id},
    ]);
    assert.deepEqual(removed, [`${peer(1).id} removed`]);
    assert.ok(log.has(/QUIT to .* failed/));
    await assert.rejects(overlay.removePeer(peer(1).id), {code: 'ERR_UNKNOWN_PEER'});
  });

  test('leave() says QUIT to every peer with a short timeout', async () => {
    const network = namedNetwork();
    const {overlay} = makeOverlay(network);
    for (const n of [1, 2])
      await overlay.answerJoin(joinText(peer(n)), new RecordingReply());
    network.remove(peer(2).id);
    await overlay.leave();
    assert.deepEqual(
      network
        .sentOf(MessageType.quit)
        .map((sent) => `${sent.to} ${sent.timeoutMs}`)
        .sort(),
      [`${peer(1).id} ${QUIT_TIMEOUT_MS}`, `${peer(2).id} ${QUIT_TIMEOUT_MS}`],
    );
  });
});
