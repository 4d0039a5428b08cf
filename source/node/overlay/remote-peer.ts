/**
 * The overlay's questions to another peer, in the original's messages: its
 * name, its peer list, and whether it takes this node as a neighbour. Each
 * answer is checked; a failure is one log line and a plain result, never a
 * throw, since every peer may be gone or hostile.
 */
import {describeError, UnexpectedReplyError} from '../../protocol/errors.js';
import type {Frame} from '../../protocol/frame.js';
import {
  formatJoin,
  isValidPeerId,
  MessageType,
  parseListCount,
  parseListEntry,
  ReplyText,
  type PeerAddress,
} from '../../protocol/messages.js';
import type {Identity, Log, Request, RequestOptions} from '../collaborators.js';
import {addressText, expectReplyText} from '../net/peer-client.js';
import type {PeerInfo} from '../types.js';

export type RemoteDeps = {request: Request; log: Log};

export type ListedPeer = PeerAddress & {peerId: string};

/** `accepted`: the peer lists this node now (added, or already inserted). */
export type JoinAnswer = 'accepted' | 'full' | 'refused';

/** The id the peer at `address` gives; undefined (and a warning) when none. */
export async function askName(
  {request, log}: RemoteDeps,
  address: PeerAddress,
  context: string,
  options?: RequestOptions,
): Promise<string | undefined> {
  try {
    const frames = await request(address, MessageType.name, '', options);
    const peerId = expectReplyText(address, frames, 'NAME');
    if (!isValidPeerId(peerId)) {
      throw new UnexpectedReplyError(
        addressText(address),
        'NAME reply is not a valid host:port',
      );
    }
    return peerId;
  } catch (error) {
    log('warn', `${context} ${addressText(address)}: ${describeError(error)}`);
    return undefined;
  }
}

/** LIST of a remote peer; malformed entries are skipped, a failure is an empty list. */
export async function askList(
  {request, log}: RemoteDeps,
  address: PeerAddress,
  options?: RequestOptions,
): Promise<ListedPeer[]> {
  let frames: Frame[];
  try {
    frames = await request(address, MessageType.list, '', options);
  } catch (error) {
    log('warn', `LIST from ${addressText(address)} failed: ${describeError(error)}`);
    return [];
  }
  const [countFrame, ...entryFrames] = frames;
  if (countFrame?.type !== MessageType.reply) return [];
  let count: number;
  try {
    count = Math.min(
      parseListCount(countFrame.data.toString('utf8')),
      entryFrames.length,
    );
  } catch (error) {
    log('warn', `LIST from ${addressText(address)}: ${describeError(error)}`);
    return [];
  }
  const entries: ListedPeer[] = [];
  for (const frame of entryFrames.slice(0, count)) {
    try {
      entries.push(parseListEntry(frame.data.toString('utf8')));
    } catch {
      log('warn', `skipped a malformed LIST entry from ${addressText(address)}`);
    }
  }
  return entries;
}

/** Sends JOIN; the caller decides what to do with the answer. */
export async function askJoin(
  {request, log}: RemoteDeps,
  address: PeerAddress,
  peerId: string,
  self: Identity,
): Promise<JoinAnswer> {
  const joinData = formatJoin({peerId: self.id, host: self.host, port: self.port});
  const reply = await request(address, MessageType.join, joinData).catch(
    (error: unknown) => error as Error,
  );
  const joinReply = reply instanceof Error ? undefined : reply[0];
  const replyText = joinReply?.data.toString('utf8') ?? '';
  // "already inserted" means the peer lists us: the link exists both ways.
  if (
    joinReply?.type === MessageType.reply ||
    replyText.startsWith('Join: peer already')
  ) {
    return 'accepted';
  }
  if (replyText === ReplyText.joinTooMany) {
    log('info', `${peerId} is full`);
    return 'full';
  }
  const reason = reply instanceof Error ? describeError(reply) : replyText || 'no reply';
  log('warn', `${peerId} refused JOIN: ${reason}`);
  return 'refused';
}

/** Says QUIT to a peer; its answer only goes to the log. */
export async function sayQuit(
  {request, log}: RemoteDeps,
  peer: PeerInfo,
  selfId: string,
): Promise<void> {
  try {
    const frames = await request(peer, MessageType.quit, selfId);
    log('debug', `${peer.id} answered QUIT: ${frames[0]?.data.toString('utf8') ?? ''}`);
  } catch (error) {
    log('warn', `QUIT to ${peer.id} failed (${describeError(error)})`);
  }
}

/** True when the peer's LIST names `selfId` (asked in the background). */
export async function stillLists(
  remote: RemoteDeps,
  peer: PeerAddress,
  selfId: string,
): Promise<boolean> {
  const listed = await askList(remote, peer, {background: true});
  return listed.some((entry) => entry.peerId === selfId);
}

/** Forged ids fill no peer list: the peer's address must answer NAME with its id. */
export async function confirmsId(remote: RemoteDeps, peer: PeerInfo): Promise<boolean> {
  const answer = await askName(remote, peer, 'JOIN not confirmed by', {
    background: true,
  });
  if (answer === peer.id) return true;
  if (answer !== undefined) {
    remote.log('warn', `JOIN not confirmed: ${peer.id} answers NAME as ${answer}`);
  }
  return false;
}
