/**
 * What a node does with a query it admitted, as a pure decision: answer with
 * RESPs for its matches, or pass the query on with one less ttl.
 */
import {encodeWireName} from '../../protocol/wire-name.js';
import type {QueryRequest} from '../../protocol/messages.js';
import type {FileEntry} from '../types.js';

/** A hostile ttl must not make a query live forever. */
export const MAX_FORWARD_TTL = 16;
export const MAX_RESPONSES_PER_QUERY = 64;
export const OWNERS_PER_RESPONSE = 3;

export type PlannedResponse = {wireName: string; ownerPeerId: string};

export type QueryPlan =
  | {kind: 'answer'; responses: PlannedResponse[]}
  | {kind: 'forward'; query: QueryRequest}
  | {kind: 'drop'};

export function planQuery(
  query: QueryRequest,
  matches: readonly FileEntry[],
  selfId: string,
  wireName: (name: string) => string = encodeWireName,
): QueryPlan {
  if (matches.length > 0) {
    const responses: PlannedResponse[] = [];
    for (const file of matches) {
      const owners = file.local ? [selfId] : file.owners.slice(0, OWNERS_PER_RESPONSE);
      for (const ownerPeerId of owners) {
        if (responses.length >= MAX_RESPONSES_PER_QUERY) break;
        responses.push({wireName: wireName(file.name), ownerPeerId});
      }
    }
    return {kind: 'answer', responses};
  }
  if (query.ttl <= 0) return {kind: 'drop'};
  return {
    kind: 'forward',
    query: {...query, ttl: Math.min(query.ttl - 1, MAX_FORWARD_TTL)},
  };
}
