/**
 * Incoming requests go to the handler registered for their message type; a
 * type without one is closed with no reply, as the original does.
 */
import type {Log} from './collaborators.js';
import type {IncomingRequest, ReplyWriter} from './net/peer-server.js';

export type RequestHandler = (
  request: IncomingRequest,
  reply: ReplyWriter,
) => Promise<void> | void;

export type HandlerTable = Readonly<Record<string, RequestHandler>>;

/**
 * Requests received so far by message type. Only types with a handler get
 * their own key: a flood of made-up types stays one key, `other`.
 */
export class RequestCounts {
  private readonly byType = new Map<string, number>();

  constructor(private readonly handlers: HandlerTable) {}

  count(type: string): void {
    const key = Object.hasOwn(this.handlers, type) ? type : 'other';
    this.byType.set(key, (this.byType.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.byType);
  }
}

export function createDispatcher(
  handlers: HandlerTable,
  log: Log,
  counts?: RequestCounts,
): (request: IncomingRequest, reply: ReplyWriter) => Promise<void> {
  return async (request, reply) => {
    counts?.count(request.type);
    const handler = Object.hasOwn(handlers, request.type)
      ? handlers[request.type]
      : undefined;
    if (!handler) {
      log('debug', `closed ${request.type} from ${request.remote} without a reply`);
      return;
    }
    await handler(request, reply);
  };
}
