/**
 * Network helper for the UI benchmark, on loopback only: RESP messages that
 * fill a node's catalogue. (The slow owner is test/support's fake peer.)
 */
import {
  formatResponse,
  MessageType,
  type PeerAddress,
} from '../source/protocol/messages.js';
import {encodeWireName} from '../source/protocol/wire-name.js';
import {requestFrames} from '../source/node/net/peer-client.js';

export type Announcement = {name: string; owner: string};

/** Sends one RESP per announcement to `target`, `concurrency` connections at a time. */
export async function sendResponses(
  target: PeerAddress,
  announcements: readonly Announcement[],
  concurrency = 32,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < announcements.length) {
      const {name, owner} = announcements[next++] as Announcement;
      await requestFrames(
        target,
        MessageType.response,
        formatResponse({wireName: encodeWireName(name), ownerPeerId: owner}),
      );
    }
  };
  await Promise.all(Array.from({length: concurrency}, worker));
}
