/**
 * How much of a reply an outgoing request may buffer, by message type: a NAME
 * reply is one short text, a LIST reply a count and a bounded number of
 * entries, a QUER ack one frame echoing the key. Each frame's length is
 * checked in its header, before any of its data is buffered, so one request
 * holds at most maxFrames × (8 + maxFrameData) bytes whatever the peer sends.
 */
import type {Frame} from '../../protocol/frame.js';
import {MessageType, parseListCount} from '../../protocol/messages.js';
import {limitDefault, type LimitName} from '../limits.js';

export type ReplyBudget = {
  maxFrames: number;
  maxFrameData: number;
  /** The limit that bounds maxFrameData, named when a frame is larger. */
  frameDataLimit: LimitName;
  /** The limit that bounds maxFrames, named when a reply is cut there. */
  frameCountLimit: LimitName;
  /** The reply is whole: reading stops here, without waiting for EOF. */
  isComplete: (frames: readonly Frame[]) => boolean;
};

export type BudgetLimits = {
  replyTextBytes: number;
  listReplyEntries: number;
  replyBytes: number;
};

export const DEFAULT_BUDGET_LIMITS: BudgetLimits = {
  replyTextBytes: limitDefault('reply-text-bytes'),
  listReplyEntries: limitDefault('list-reply-entries'),
  replyBytes: limitDefault('reply-bytes'),
};

const oneFrame = (frames: readonly Frame[]): boolean => frames.length >= 1;

/** The LIST count, or undefined when the first frame is not a valid count. */
function listCount(frames: readonly Frame[]): number | undefined {
  const first = frames[0];
  if (first?.type !== MessageType.reply) return undefined;
  try {
    return parseListCount(first.data.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The budget of the reply to a `type` request whose data is `requestBytes` long. */
export function replyBudget(
  type: string,
  requestBytes: number,
  limits: BudgetLimits = DEFAULT_BUDGET_LIMITS,
): ReplyBudget {
  const text: ReplyBudget = {
    maxFrames: 1,
    maxFrameData: limits.replyTextBytes,
    frameDataLimit: 'reply-text-bytes',
    frameCountLimit: 'reply-text-bytes',
    isComplete: oneFrame,
  };
  switch (type) {
    case MessageType.name:
    case MessageType.join:
    case MessageType.quit:
    case MessageType.size:
    case MessageType.response:
      return text;
    case MessageType.list:
      return {
        ...text,
        maxFrames: 1 + limits.listReplyEntries,
        frameCountLimit: 'list-reply-entries',
        isComplete: (frames) => {
          if (frames.length === 0) return false;
          const count = listCount(frames);
          return count === undefined || frames.length - 1 >= count;
        },
      };
    case MessageType.query:
      // "Query ACK: <key>" echoes the key we sent.
      return {
        ...text,
        maxFrameData: Math.min(requestBytes + limits.replyTextBytes, limits.replyBytes),
        frameDataLimit: 'reply-bytes',
      };
    default:
      return {...text, maxFrameData: limits.replyBytes, frameDataLimit: 'reply-bytes'};
  }
}
