/**
 * What one look of the rewiring (rewiring.ts) learns from LIST answers,
 * and the check each party of a trade makes for its own side.
 */
import type {PeerInfo} from '../types.js';
import {ballAround, LocalView} from './local-view.js';
import {pick, type OverlayContext} from './overlay-context.js';
import {askList, type ListedPeer, type RemoteDeps} from './remote-peer.js';

/** How long a view's LISTs are reused (one top-up interval): other trades' checks and the next look. */
export const VIEW_KEEP_MS = 3_000;

type Lists = Map<string, readonly string[]>;
type Addresses = Map<string, ListedPeer>;

/**
 * The LISTs of this node's last view, reused while its neighbours are the
 * same and for VIEW_KEEP_MS at most: a node asked to check its side of
 * several trades in a row asks its neighbourhood once.
 */
export class ViewCache {
  private kept:
    {key: string; until: number; lists: Lists; addresses: Addresses} | undefined;

  get(key: string, now: number): {lists: Lists; addresses: Addresses} | undefined {
    const kept = this.kept;
    return kept && kept.key === key && now <= kept.until ? kept : undefined;
  }

  set(key: string, now: number, lists: Lists, addresses: Addresses): void {
    this.kept = {
      key,
      until: now + VIEW_KEEP_MS,
      lists: new Map(lists),
      addresses: new Map(addresses),
    };
  }
}

/**
 * The LISTs one look asks, at most `budget` of them, kept: the overlay
 * three hops deep around this node, and what walks and far peers show.
 */
export class Survey {
  private readonly lists = new Map<string, readonly string[]>();
  private readonly addresses = new Map<string, ListedPeer>();

  constructor(
    private readonly remote: RemoteDeps,
    public budget: number,
    private readonly selfId: string,
    private readonly cache?: {views: ViewCache; now: number},
  ) {}

  async listOf(peer: ListedPeer): Promise<ListedPeer[]> {
    const known = this.lists.get(peer.peerId);
    if (known) return known.flatMap((id) => this.addresses.get(id) ?? []);
    if (this.budget <= 0) return [];
    this.budget--;
    const listed = await askList(this.remote, peer, {background: true});
    this.lists.set(
      peer.peerId,
      listed.map((entry) => entry.peerId),
    );
    for (const entry of listed) this.addresses.set(entry.peerId, entry);
    return listed;
  }

  /** Asks the LISTs of our neighbours and of their peers. */
  async view(mine: PeerInfo[]): Promise<LocalView> {
    const mineIds = mine.map((peer) => peer.id);
    const key = [...mineIds].sort().join(' ');
    const kept = this.cache?.views.get(key, this.cache.now);
    if (kept) {
      for (const [id, listed] of kept.lists) this.lists.set(id, listed);
      for (const [id, address] of kept.addresses) this.addresses.set(id, address);
      return new LocalView(this.selfId, mineIds, this.lists);
    }
    await Promise.all(mine.map((peer) => this.listOf({...peer, peerId: peer.id})));
    const second = new Set([...this.lists.values()].flat());
    for (const id of [this.selfId, ...mineIds]) second.delete(id);
    await Promise.all(
      [...second].flatMap((id) => {
        const address = this.addresses.get(id);
        return address ? [this.listOf(address)] : [];
      }),
    );
    this.cache?.views.set(key, this.cache.now, this.lists, this.addresses);
    return new LocalView(this.selfId, mineIds, this.lists);
  }

  /** Nodes within `hops` of `id` as far as known, never through `avoid`. */
  ballOf(id: string, hops: number, avoid?: string): Set<string> {
    return ballAround(this.lists, id, hops, avoid);
  }

  /**
   * A random walk of `steps`, going on while still `near` (those steps
   * cost no LIST), at most twice as far; its end unless still near.
   */
  async walk(
    start: ListedPeer,
    near: ReadonlySet<string>,
    steps: number,
    random: () => number,
  ): Promise<ListedPeer | undefined> {
    let here = start;
    for (
      let step = 0;
      (step < steps || near.has(here.peerId)) && step < 2 * steps && this.budget > 0;
      step++
    ) {
      const listed = (await this.listOf(here)).filter(
        (entry) => entry.peerId !== this.selfId,
      );
      const next = pick(random, listed);
      if (!next) break;
      here = next;
    }
    return near.has(here.peerId) ? undefined : here;
  }
}

/**
 * Whether taking `newcomer` in place of neighbour `dropId` leaves this
 * node's neighbourhood no more redundant than it is (LocalView.overlap).
 * `newcomerDrops`: the neighbour the newcomer gives up in the trade, when
 * known. Each party of a trade checks its own side, so a trade that helps
 * one node at another's expense is not made.
 */
export async function noMoreRedundant(
  context: OverlayContext,
  dropId: string,
  newcomer: ListedPeer,
  newcomerDrops?: string,
): Promise<boolean> {
  const {deps, limits, remote, neighbours, views, now} = context;
  const survey = new Survey(remote, limits.joinContacts, deps.self().id, {
    views,
    now: now(),
  });
  const view = await survey.view(neighbours.table.list());
  const before = view.overlap(dropId);
  const theirs = await survey.listOf(newcomer);
  await Promise.all(
    theirs
      .filter((entry) => entry.peerId !== newcomerDrops)
      .map((entry) => survey.listOf(entry)),
  );
  const around = survey.ballOf(newcomer.peerId, 2, newcomerDrops);
  return view.overlapInstead(dropId, around) <= before;
}
