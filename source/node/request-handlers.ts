/**
 * What answers each incoming message type: every type is answered by the one
 * part that owns it (the overlay, search, the files), given only that part.
 */
import {BrowseMessageType} from '../protocol/browse-messages.js';
import {MessageType} from '../protocol/messages.js';
import {OverlayMessageType} from '../protocol/overlay-messages.js';
import {QueryTableMessageType} from '../protocol/query-table-messages.js';
import {TransferMessageType} from '../protocol/transfer-messages.js';
import type {Log} from './collaborators.js';
import type {FileCatalog} from './files/file-catalog.js';
import {
  answerFileInfo,
  answerSize,
  serveFile,
  serveRange,
  type RangeSumServer,
} from './files/file-server.js';
import type {ShareHasher} from './files/hash-shares.js';
import type {IncomingRequest} from './net/peer-server.js';
import type {Overlay} from './overlay/overlay.js';
import type {HandlerTable} from './request-dispatch.js';
import type {PeerBrowser} from './search/peer-browser.js';
import type {SearchRouter} from './search/search-router.js';

/** The parts that answer requests. */
export type AnsweringParts = {
  selfId: () => string;
  overlay: Overlay;
  searchRouter: SearchRouter;
  peerBrowser: PeerBrowser;
  files: FileAnswerers;
};

/** What the file requests (FGET, SIZE, FINF, FSUM, FRNG) are answered from. */
export type FileAnswerers = {
  catalog: FileCatalog;
  hasher: ShareHasher;
  rangeSums: RangeSumServer;
  log: Log;
};

/** Message type → what answers it. */
export function requestHandlers(parts: AnsweringParts): HandlerTable {
  return {
    [MessageType.name]: (_request, reply) =>
      reply.send(MessageType.reply, parts.selfId()),
    ...overlayHandlers(parts.overlay),
    ...searchHandlers(parts.searchRouter, parts.peerBrowser),
    ...fileHandlers(parts.files),
  };
}

/** Most requests carry one line of text. */
const text = (request: IncomingRequest): string => request.data.toString('utf8');

function overlayHandlers(overlay: Overlay): HandlerTable {
  return {
    [MessageType.list]: (_request, reply) => overlay.answerList(reply),
    [MessageType.join]: (request, reply) => overlay.answerJoin(text(request), reply),
    [MessageType.quit]: (request, reply) =>
      overlay.answerQuit(text(request), request.remote, reply),
    [OverlayMessageType.handover]: (request, reply) =>
      overlay.answerHandover(text(request), request.remote, reply),
    [OverlayMessageType.cede]: (request, reply) =>
      overlay.answerCede(text(request), request.remote, reply),
    [OverlayMessageType.swap]: (request, reply) =>
      overlay.answerSwap(text(request), reply),
  };
}

function searchHandlers(router: SearchRouter, browser: PeerBrowser): HandlerTable {
  return {
    [MessageType.query]: (request, reply) =>
      router.answerQuery(request.data, reply, request.remote),
    [MessageType.response]: (request) =>
      router.acceptResponse(request.data, request.remote),
    [QueryTableMessageType.forwardedQuery]: (request, reply) =>
      router.answerForwardedQuery(request.data, reply, request.remote),
    [QueryTableMessageType.table]: (request, reply) =>
      router.answerTable(request.data, reply, request.remote),
    [QueryTableMessageType.tableNotice]: (request, reply) =>
      router.answerTableNotice(request.data, reply, request.remote),
    [BrowseMessageType.browse]: (request, reply) =>
      browser.answer(request.data, reply, request.remote),
  };
}

function fileHandlers({catalog, hasher, rangeSums, log}: FileAnswerers): HandlerTable {
  // A request names a file (its wire name), or a range of one (FRNG, FSUM: numbers, then the name).
  const nameAsked = (request: IncomingRequest) => ({
    wireName: text(request),
    remote: request.remote,
  });
  const rangeAsked = (request: IncomingRequest) => ({
    data: text(request),
    remote: request.remote,
  });
  return {
    [MessageType.fileGet]: (request, reply) =>
      serveFile(catalog, nameAsked(request), reply, log),
    [MessageType.size]: (request, reply) => answerSize(catalog, text(request), reply),
    [TransferMessageType.fileInfo]: (request, reply) =>
      answerFileInfo(catalog, hasher, nameAsked(request), reply, log),
    [TransferMessageType.rangeSums]: (request, reply) =>
      rangeSums.answer(rangeAsked(request), reply),
    [TransferMessageType.fileRange]: (request, reply) =>
      serveRange(catalog, rangeAsked(request), reply, log),
  };
}
