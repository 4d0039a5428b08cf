/**
 * The overlay: which peers this node keeps as neighbours. A facade over its
 * parts, each with one job: joining (joining.ts, link-finder.ts), the
 * background top-up (top-up.ts), the answers to LIST and JOIN
 * (join-answers.ts), the handover (handover.ts), QUIT and leaving
 * (quitting.ts), and the liveness of neighbours (here). Talks to other
 * peers only through the `request` and `probe` it is given. The design is
 * in docs/overlay.md.
 */
import type {Reply} from '../collaborators.js';
import {TypedEmitter} from '../typed-emitter.js';
import type {PeerInfo, PeerRemovedReason} from '../types.js';
import {Cedes} from './cedes.js';
import {Handover} from './handover.js';
import {JoinAnswers} from './join-answers.js';
import {Joining} from './joining.js';
import {LinkFinder} from './link-finder.js';
import {Neighbours} from './neighbours.js';
import {
  DEFAULT_OVERLAY_LIMITS,
  LinkLock,
  type OverlayContext,
  type OverlayDeps,
} from './overlay-context.js';
import {Quitting} from './quitting.js';
import {Rewiring} from './rewiring.js';
import {ViewCache} from './survey.js';
import {TopUp} from './top-up.js';

export {
  DEFAULT_OVERLAY_LIMITS,
  type OverlayDeps,
  type OverlayLimits,
} from './overlay-context.js';
export {QUIT_TIMEOUT_MS} from './quitting.js';

export type OverlayEvents = {
  'peer-added': [peer: PeerInfo];
  'peer-removed': [peer: PeerInfo, reason: PeerRemovedReason];
};

/** Hops of the GUI's Rebuild, as the original. */
export const REBUILD_HOPS = 3;

export class Overlay extends TypedEmitter<OverlayEvents> {
  private readonly context: OverlayContext;
  private readonly joining: Joining;
  private readonly topUpper: TopUp;
  private readonly handover: Handover;
  private readonly joinAnswers: JoinAnswers;
  private readonly quitting: Quitting;
  private readonly rewiring: Rewiring;
  private peerCheck: Promise<void> | undefined;

  constructor(private readonly deps: OverlayDeps) {
    super();
    const neighbours = new Neighbours(deps.maxPeers, deps.log, {
      added: (peer) => this.emit('peer-added', peer),
      removed: (peer, reason) => this.emit('peer-removed', peer, reason),
      // A free slot: the next top-up tick looks for a new neighbour at once.
      freed: () => this.topUpper.wake(),
    });
    this.context = {
      deps,
      limits: {...DEFAULT_OVERLAY_LIMITS, ...deps.limits},
      remote: {request: deps.request, log: deps.log},
      random: deps.random ?? Math.random,
      now: deps.now ?? Date.now,
      neighbours,
      lock: new LinkLock(),
      views: new ViewCache(),
    };
    const cedes = new Cedes();
    const finder = new LinkFinder(this.context);
    this.joining = new Joining(this.context, finder);
    this.topUpper = new TopUp(this.context, finder);
    this.handover = new Handover(this.context);
    this.joinAnswers = new JoinAnswers(this.context, this.handover, cedes);
    this.rewiring = new Rewiring(this.context, cedes);
    this.quitting = new Quitting(this.context);
  }

  get size(): number {
    return this.context.neighbours.table.size;
  }

  peers(): PeerInfo[] {
    return this.context.neighbours.table.list();
  }

  /** Joins the network through a contact (see Joining). */
  buildPeers(host: string, port: number, hops = 2): Promise<number> {
    return this.joining.buildPeers(host, port, hops);
  }

  /** The GUI's Rebuild: join again through a contact, 3 hops deep. */
  rebuild(host: string, port: number): Promise<number> {
    return this.buildPeers(host, port, REBUILD_HOPS);
  }

  /**
   * One background tick: below max-peers, a look for another neighbour;
   * full, a look for a better placed link (rewiring.ts).
   */
  topUp(): Promise<void> {
    const table = this.context.neighbours.table;
    return table.isFull() ? this.rewiring.tick() : this.topUpper.tick();
  }

  /** One look for a better placed link, now; true when links were traded. */
  rewire(): Promise<boolean> {
    return this.rewiring.look();
  }

  /** Sends QUIT to the peer, then forgets it. */
  removePeer(peerId: string): Promise<void> {
    return this.quitting.removePeer(peerId);
  }

  /** The stabilizer: drops every peer that no longer accepts connections. */
  checkPeers(): Promise<void> {
    this.peerCheck ??= this.probeAll().finally(() => (this.peerCheck = undefined));
    return this.peerCheck;
  }

  private async probeAll(): Promise<void> {
    const {neighbours} = this.context;
    await Promise.all(
      neighbours.table.list().map(async (peer) => {
        const alive = await this.deps.probe(peer);
        if (!alive && this.deps.isOpen()) neighbours.forget(peer.id, 'unreachable');
      }),
    );
  }

  /** QUIT to every neighbour on the way out; failures do not matter any more. */
  leave(): Promise<void> {
    return this.quitting.leave();
  }

  // ---- answers to incoming requests --------------------------------------

  answerList(reply: Reply): Promise<void> {
    return this.joinAnswers.answerList(reply);
  }

  answerJoin(text: string, reply: Reply): Promise<void> {
    return this.joinAnswers.answerJoin(text, reply);
  }

  answerQuit(text: string, remote: string, reply: Reply): Promise<void> {
    return this.quitting.answer(text, remote, reply);
  }

  /** HAND from a neighbour: link to the newcomer it names, in its place. */
  answerHandover(text: string, remote: string, reply: Reply): Promise<void> {
    return this.handover.answer(text, remote, reply);
  }

  /** CEDE from a neighbour: take the JOIN of the peer it names in its place. */
  answerCede(text: string, remote: string, reply: Reply): Promise<void> {
    return this.rewiring.answerCede(text, remote, reply);
  }

  /** SWAP from a far peer: link to it in place of a neighbour, which takes another. */
  answerSwap(text: string, reply: Reply): Promise<void> {
    return this.handover.answerSwap(text, reply);
  }
}
