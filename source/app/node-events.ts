/** A FilerNode's typed events, re-told as the app's one stream of plain-data events. */
import type {FilerNode} from '../node/filer-node.js';
import type {FilerNodeEvents} from '../node/types.js';
import type {AppEvent} from './session.js';

type NodeEventName = keyof FilerNodeEvents;

const AS_APP_EVENT: {[E in NodeEventName]: (...args: FilerNodeEvents[E]) => AppEvent} = {
  listening: (info) => ({event: 'listening', ...info}),
  'peer-added': (peer) => ({event: 'peer-added', peer}),
  'peer-removed': (peer, reason) => ({event: 'peer-removed', peer, reason}),
  'file-added': (file) => ({event: 'file-added', file}),
  'file-removed': (name) => ({event: 'file-removed', name}),
  'search-started': (search) => ({event: 'search-started', ...search}),
  'search-result': (result) => ({event: 'search-result', ...result}),
  'search-updated': (search) => ({event: 'search-updated', search}),
  'transfer-start': (transfer) => ({event: 'transfer-start', transfer}),
  'transfer-progress': (transfer) => ({event: 'transfer-progress', transfer}),
  'transfer-done': (transfer) => ({event: 'transfer-done', transfer}),
  'transfer-failed': (transfer) => ({event: 'transfer-failed', transfer}),
  log: (entry) => ({event: 'log', source: 'node', ...entry}),
  closed: () => ({event: 'closed'}),
};

/** Passes every event of `node` to `publish`, one listener per event name. */
export function relayNodeEvents(
  node: FilerNode,
  publish: (event: AppEvent) => void,
): void {
  const relay = <E extends NodeEventName>(name: E): void => {
    const toAppEvent = AS_APP_EVENT[name];
    node.on(name, (...args) => publish(toAppEvent(...args)));
  };
  for (const name of Object.keys(AS_APP_EVENT) as NodeEventName[]) relay(name);
}
