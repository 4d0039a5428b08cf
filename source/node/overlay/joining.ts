/**
 * Joining the network through a contact (docs/overlay.md, "Joining"): the
 * contact first, then further neighbours at the ends of random walks.
 */
import type {PeerAddress} from '../../protocol/messages.js';
import {limitHit} from '../limits.js';
import {addressText} from '../net/peer-client.js';
import type {PeerInfo} from '../types.js';
import {LinkFinder, type NearbyRule} from './link-finder.js';
import type {OverlayContext} from './overlay-context.js';
import {askList, askName} from './remote-peer.js';

/** The state of one join: peers it may still ask, addresses seen, full ones met. */
type JoinWalk = {budget: number; visited: Set<string>; fullContacts: PeerInfo[]};

export class Joining {
  constructor(
    private readonly context: OverlayContext,
    private readonly finder: LinkFinder,
  ) {}

  /**
   * Joins the network through a contact: asks it NAME and LIST and JOINs it;
   * then, unless `hops` is 1, finds each further neighbour at the end of a
   * random walk from the contact (join-walk steps of LIST), so that links
   * land all over the network rather than around the contact. Stops when the
   * peer list is full or join-contacts peers were asked. A full filer-tui
   * peer makes room (see JoinAnswers and Handover).
   */
  async buildPeers(host: string, port: number, hops: number): Promise<number> {
    const {deps, limits, neighbours} = this.context;
    const table = neighbours.table;
    const before = table.size;
    const walk: JoinWalk = {
      budget: limits.joinContacts,
      visited: new Set(),
      fullContacts: [],
    };
    const contact: PeerAddress = {host, port};
    const contactId = await this.visit(contact, walk);
    if (contactId !== undefined && hops > 1) {
      const start = {...contact, peerId: contactId};
      const nearby = this.finder.nearbyRule();
      while (deps.isOpen() && table.room() > 0 && walk.budget > 0) {
        const next = await this.finder.randomWalk(start, walk);
        if (next && walk.budget > 0 && !walk.visited.has(addressText(next))) {
          await this.visit(next, walk, nearby);
        }
      }
      if (walk.budget <= 0 && table.room() > 0) {
        limitHit(deps.log, 'join-contacts', contactId, 'join stopped');
      }
    }
    const first = walk.fullContacts[0];
    if (table.size === 0 && first && deps.isOpen()) {
      // Every contact was full: keep a one-way link so this node can still search.
      neighbours.add(first, `one-way link to ${first.id} (its peer list is full)`);
    }
    return table.size - before;
  }

  /** NAME, LIST and (if worth it) JOIN one peer; its id, unless unreachable or us. */
  private async visit(
    address: PeerAddress,
    walk: JoinWalk,
    nearby?: NearbyRule,
  ): Promise<string | undefined> {
    const {deps, remote, neighbours} = this.context;
    walk.visited.add(addressText(address));
    walk.budget--;
    const self = deps.self();
    const peerId = await askName(remote, address, 'cannot join through');
    if (peerId === undefined || peerId === self.id) return undefined;
    if (neighbours.table.has(peerId)) return peerId;
    const listed = (await askList(remote, address)).filter(
      (peer) => peer.peerId !== self.id,
    );
    if (nearby && !(await nearby.accepts(peerId, listed))) {
      // Passed over, not refused: a later walk may end here again.
      walk.visited.delete(addressText(address));
      return peerId;
    }
    if (this.finder.worthJoining(listed.length)) {
      const answer = await this.finder.join(address, peerId);
      if (answer === 'full') walk.fullContacts.push({id: peerId, ...address});
    }
    return peerId;
  }
}
