/** Waiting for and recording an AppSession's events, as network.ts does for a node's. */
import type {AppEvent, AppSession} from '../../source/app/session.js';
import {DEFAULT_WAIT_MS} from './network.js';

type EventNamed<N extends AppEvent['event']> = Extract<AppEvent, {event: N}>;

/**
 * The first `name` event for which `predicate` holds. Create the promise
 * before the action that causes the event.
 */
export function waitForAppEvent<N extends AppEvent['event']>(
  session: AppSession,
  name: N,
  predicate: (event: EventNamed<N>) => boolean = () => true,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<EventNamed<N>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no matching ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = session.subscribe((event) => {
      if (event.event !== name || !predicate(event as EventNamed<N>)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event as EventNamed<N>);
    });
  });
}

/** Every event from now on, in order. */
export function recordAppEvents(session: AppSession): AppEvent[] {
  const seen: AppEvent[] = [];
  session.subscribe((event) => seen.push(event));
  return seen;
}
