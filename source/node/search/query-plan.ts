/**
 * What a node does with a query it admitted, as a pure decision: which RESPs
 * to send and whether to pass the query on with one less ttl.
 */
import type {QueryRequest} from '../../protocol/messages.js';
import {limitDefault} from '../limits.js';

/** A hostile ttl must not make a query live forever. */
export const MAX_FORWARD_TTL = limitDefault('query-ttl');
export const MAX_RESPONSES_PER_QUERY = limitDefault('query-responses');

/** One file that matched, as it travels in a RESP. */
export type PlannedResponse = {wireName: string; ownerPeerId: string};

export type QueryPlan = {
  responses: PlannedResponse[];
  /** True when more files matched than were answered. */
  cut: boolean;
  /** The query to pass on to every neighbour, if any. */
  forward?: QueryRequest;
};

/** How far a query goes next: one less ttl, never more than the cap, none at 0. */
function nextHop(query: QueryRequest): QueryRequest | undefined {
  if (query.ttl <= 0) return undefined;
  return {...query, ttl: Math.min(query.ttl - 1, MAX_FORWARD_TTL)};
}

/**
 * filer-tui's search: one RESP per matching file this node holds itself (up
 * to the bound), and the query travels on whether or not something matched,
 * so a holder behind a holder is found too.
 */
export function planQuery(
  query: QueryRequest,
  localMatches: readonly string[],
  selfId: string,
  maxResponses = MAX_RESPONSES_PER_QUERY,
): QueryPlan {
  const responses = localMatches
    .slice(0, maxResponses)
    .map((wireName) => ({wireName, ownerPeerId: selfId}));
  const forward = nextHop(query);
  return {
    responses,
    cut: localMatches.length > responses.length,
    ...(forward ? {forward} : {}),
  };
}

/** A name in the original's file table and the owner it records. */
export type TableMatch = {wireName: string; ownerPeerId: string};

/**
 * The original's search (compatible mode): the first match in the whole file
 * table, its own files and names it heard of alike, answered with one RESP;
 * only when nothing matched is the query passed on.
 */
export function planCompatibleQuery(
  query: QueryRequest,
  firstMatch: TableMatch | undefined,
): QueryPlan {
  if (firstMatch) return {responses: [firstMatch], cut: false};
  const forward = nextHop(query);
  return {responses: [], cut: false, ...(forward ? {forward} : {})};
}
