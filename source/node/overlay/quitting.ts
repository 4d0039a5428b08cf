/**
 * Leaving and being left (docs/overlay.md, "Who may join and who may say
 * QUIT", "Removal"): Remove, QUIT on close, and the answer to a QUIT, which
 * is taken only from the named peer's address and acted on only once the
 * peer confirms it.
 */
import {FilerError} from '../../protocol/errors.js';
import {MessageType, parseQuit, ReplyText} from '../../protocol/messages.js';
import {OverlayReplyText} from '../../protocol/overlay-messages.js';
import type {Reply} from '../collaborators.js';
import type {PeerInfo} from '../types.js';
import type {OverlayContext} from './overlay-context.js';
import {sayQuit, stillLists} from './remote-peer.js';
import {isSameHost} from './same-host.js';

/** QUIT on the way out must not hold the close up for long. */
export const QUIT_TIMEOUT_MS = 1_000;

/** A pause that does not keep the process alive. */
function unrefDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export class Quitting {
  /** Neighbours whose QUIT is being confirmed: at most one check each. */
  private readonly checks = new Set<string>();

  constructor(private readonly context: OverlayContext) {}

  /** Sends QUIT to the peer, then forgets it. */
  async removePeer(peerId: string): Promise<void> {
    const {deps, remote, neighbours} = this.context;
    const peer = neighbours.table.get(peerId);
    if (!peer)
      throw new FilerError('ERR_UNKNOWN_PEER', `${peerId} is not in the peer list`);
    // Forgotten first, so that the peer, confirming our QUIT by LIST, sees it.
    neighbours.forget(peerId, 'removed');
    await sayQuit(remote, peer, deps.self().id);
  }

  /** QUIT to every neighbour on the way out; failures do not matter any more. */
  async leave(): Promise<void> {
    const {deps, neighbours} = this.context;
    const self = deps.self();
    const peers = neighbours.table.list();
    // Emptied first, so that a peer confirming our QUIT by LIST sees it.
    for (const peer of peers) neighbours.table.remove(peer.id);
    await Promise.all(
      peers.map((peer) =>
        deps
          .request(peer, MessageType.quit, self.id, {timeoutMs: QUIT_TIMEOUT_MS})
          .catch(() => undefined),
      ),
    );
  }

  /**
   * QUIT is taken only from the named peer's own address, and acted on only
   * once the peer confirms it: it no longer accepts connections or no
   * longer lists this node (checked again after quitRecheckMs, since the
   * original unlinks only after our answer). So a stranger cannot cut links.
   */
  async answer(text: string, remote: string, reply: Reply): Promise<void> {
    const {deps, neighbours} = this.context;
    const peerId = parseQuit(text);
    const peer = neighbours.table.get(peerId);
    if (!peer) return reply.send(MessageType.error, ReplyText.quitNotFound(peerId));
    if (!isSameHost(remote, peer.host)) {
      deps.log('warn', `QUIT for ${peerId} from ${remote} ignored: not its address`);
      return reply.send(MessageType.error, OverlayReplyText.quitNotFromPeer(peerId));
    }
    await reply.send(MessageType.reply, ReplyText.quitRemoved(peerId));
    void this.confirm(peer);
  }

  private async confirm(peer: PeerInfo): Promise<void> {
    const {deps, limits, remote, neighbours} = this.context;
    if (this.checks.has(peer.id)) return;
    this.checks.add(peer.id);
    try {
      for (const wait of [0, limits.quitRecheckMs]) {
        if (wait > 0) await unrefDelay(wait);
        if (!deps.isOpen() || !neighbours.table.has(peer.id)) return;
        if (!(await stillLists(remote, peer, deps.self().id))) {
          neighbours.forget(peer.id, 'quit');
          return;
        }
      }
      deps.log('warn', `QUIT for ${peer.id} ignored: it still lists this node`);
    } finally {
      this.checks.delete(peer.id);
    }
  }
}
