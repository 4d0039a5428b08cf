/** The messages between the search benchmark's main process and its workers. */

export type ResultTiming = {owner: string; name: string; ms: number};

export type Command =
  | {kind: 'start'; count: number; options: Record<string, unknown>}
  | {kind: 'join'; index: number; host: string; port: number}
  | {kind: 'share'; index: number; name: string}
  | {kind: 'search'; index: number; search: number; key: string; ttl: number}
  | {kind: 'results'; search: number}
  | {kind: 'peers'}
  | {kind: 'counts'}
  | {kind: 'memory'}
  | {kind: 'close'};

export type Reply = {id: number; value?: unknown; error?: string};
