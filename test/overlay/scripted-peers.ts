/** Scripted peers for overlay tests that run one Overlay on a FakeNetwork. */
import type {PeerInfo} from '../../source/node/types.js';
import {MessageType, ReplyText} from '../../source/protocol/messages.js';
import {reply, type ScriptedPeer} from '../node/fake-collaborators.js';

export const SELF = {id: '10.0.0.1:9000', host: '10.0.0.1', port: 9000};

export const peer = (n: number): PeerInfo => ({
  id: `10.0.1.${n}:7`,
  host: `10.0.1.${n}`,
  port: 7,
});

export const joinText = ({id, host, port}: PeerInfo): string => `${id} ${host} ${port}`;

/** Answers NAME with its id, takes every JOIN and lists no one, unless `answers` says otherwise. */
export function welcoming(
  id: string,
  answers: Record<string, ScriptedPeer> = {},
): ScriptedPeer {
  return (type, data) => {
    const answer = answers[type];
    if (answer) return answer(type, data);
    if (type === MessageType.name) return [reply(id)];
    if (type === MessageType.join) return [reply(ReplyText.joinAdded(SELF.id))];
    if (type === MessageType.list) return [reply('0')];
    return [];
  };
}
