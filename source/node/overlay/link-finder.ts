/**
 * Finding and making one more link, shared by the join and the top-up:
 * random walks over LIST answers, the preference for far peers, and the
 * JOIN itself.
 */
import type {PeerAddress} from '../../protocol/messages.js';
import {addressText} from '../net/peer-client.js';
import {Neighbourhood} from './neighbourhood.js';
import {pick, type OverlayContext} from './overlay-context.js';
import {askJoin, askList, sayQuit, type ListedPeer} from './remote-peer.js';

/** Whether to link to a peer, given the peers it lists. */
export type NearbyRule = {
  accepts: (peerId: string, listed: ListedPeer[]) => Promise<boolean>;
};

export class LinkFinder {
  constructor(private readonly context: OverlayContext) {}

  /**
   * Prefers peers that are not near (see Neighbourhood); after
   * `near-links-skipped` near ones in a row it takes the next one anyway,
   * so that small networks, where everyone is near, still fill up.
   */
  nearbyRule(skipped = {count: 0}): NearbyRule {
    const {deps, limits, remote, neighbours} = this.context;
    const table = neighbours.table;
    const neighbourhood = new Neighbourhood({
      selfId: deps.self().id,
      neighbours: () => table.list(),
      listOf: async (peer) => (await askList(remote, peer)).map((entry) => entry.peerId),
      maxLists: limits.joinContacts,
    });
    return {
      accepts: async (peerId, listed) => {
        // A node with fewer than two neighbours, on either side, takes any link.
        const needy = table.size < 2 || listed.length < 2;
        const far =
          needy ||
          (await neighbourhood.isFar(
            peerId,
            listed.map((entry) => entry.peerId),
          ));
        if (far || skipped.count >= limits.nearLinksSkipped) {
          skipped.count = 0;
          return true;
        }
        skipped.count++;
        return false;
      },
    };
  }

  /**
   * Walks join-walk steps from `start`, each to a random peer of the LIST of
   * the last. Returns a peer met that is not us, not a neighbour yet and not
   * in `visited` (addresses this join asked already): the last one whose
   * LIST showed a free slot (free slots are what late joiners lack), else
   * the last one. Each LIST counts against the budget.
   */
  async randomWalk(
    start: ListedPeer,
    walk: {budget: number; visited?: ReadonlySet<string>},
  ): Promise<ListedPeer | undefined> {
    const {deps, limits, remote, neighbours, random} = this.context;
    const selfId = deps.self().id;
    const eligible = (peer: ListedPeer): boolean =>
      peer.peerId !== selfId &&
      !neighbours.table.has(peer.peerId) &&
      !walk.visited?.has(addressText(peer));
    let here = start;
    let found: ListedPeer | undefined;
    let roomy: ListedPeer | undefined;
    for (let step = 0; step < limits.joinWalk && walk.budget > 0; step++) {
      walk.budget--;
      const listed = (await askList(remote, here)).filter(
        (peer) => peer.peerId !== selfId,
      );
      if (eligible(here) && listed.length < deps.maxPeers) roomy = here;
      const next = pick(random, listed);
      if (!next) break;
      here = next;
      if (eligible(next)) found = next;
    }
    return roomy ?? found;
  }

  /**
   * A full filer-tui contact answers JOIN by handing over one of its
   * neighbours, which links to us too: two slots. With one slot left, a
   * contact that looks full is skipped rather than overfilling us.
   */
  worthJoining(contactPeers: number): boolean {
    const table = this.context.neighbours.table;
    return (
      table.room() >= 2 || table.size === 0 || contactPeers < this.context.deps.maxPeers
    );
  }

  /** JOIN, then the contact becomes a neighbour if it took us. */
  async join(
    address: PeerAddress,
    peerId: string,
  ): Promise<'joined' | 'full' | 'refused'> {
    const {deps, remote, neighbours} = this.context;
    const answer = await askJoin(remote, address, peerId, deps.self());
    if (answer !== 'accepted') return answer;
    const peer = {id: peerId, ...address};
    if (neighbours.add(peer) || neighbours.table.has(peerId)) return 'joined';
    // A handover filled the last slot meanwhile: undo the link on its side.
    deps.log('info', `no room left for ${peerId}; saying QUIT to it`);
    await sayQuit(remote, peer, deps.self().id);
    return 'refused';
  }
}
