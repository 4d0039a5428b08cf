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

export function createDispatcher(
  handlers: HandlerTable,
  log: Log,
): (request: IncomingRequest, reply: ReplyWriter) => Promise<void> {
  return async (request, reply) => {
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
