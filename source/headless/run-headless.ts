/**
 * Headless mode: the node without Ink. Events become lines on stdout, stdin
 * lines become commands. For servers, scripts and tests.
 */
import readline from 'node:readline';
import {describeError} from '../protocol/errors.js';
import type {FilerNode} from '../node/filer-node.js';
import {HEADLESS_HELP, parseHeadlessCommand, type HeadlessCommand} from './commands.js';
import {describeTransfer, HeadlessOutput} from './output.js';

export type HeadlessOptions = {
  json: boolean;
  verbose: boolean;
  input?: NodeJS.ReadableStream;
  write?: (line: string) => void;
};

/** Resolves when the user quits (the node is closed by then). */
export function runHeadless(node: FilerNode, options: HeadlessOptions): Promise<void> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const output = new HeadlessOutput(options.json, write);
  subscribe(node, output, options);

  return new Promise((resolve) => {
    let quitting = false;
    const quit = (): void => {
      if (quitting) return;
      quitting = true;
      lines?.close();
      void node.close().then(resolve);
    };
    node.once('closed', quit);
    const lines = options.input
      ? readline.createInterface({input: options.input, terminal: false})
      : undefined;
    lines?.on('line', (line) => {
      const parsed = parseHeadlessCommand(line);
      if (parsed === undefined) return;
      if (!parsed.ok) return output.error(parsed.error);
      if (parsed.command.kind === 'quit') return quit();
      execute(node, parsed.command, output).catch((error: unknown) =>
        output.error(describeError(error)),
      );
    });
  });
}

function subscribe(
  node: FilerNode,
  output: HeadlessOutput,
  options: HeadlessOptions,
): void {
  node.on('log', (entry) => {
    if (entry.level !== 'debug' || options.verbose) output.log(entry);
  });
  if (options.json) {
    node.on('peer-added', (peer) =>
      output.record({event: 'peer-added', peer}, undefined),
    );
    node.on('peer-removed', (peer, reason) =>
      output.record({event: 'peer-removed', peer, reason}, undefined),
    );
    node.on('file-added', (file) =>
      output.record({event: 'file-added', file}, undefined),
    );
    node.on('file-removed', (name) =>
      output.record({event: 'file-removed', name}, undefined),
    );
    node.on('search-result', (result) =>
      output.record({event: 'search-result', ...result}, undefined),
    );
  }
  const lastPrinted = new Map<number, number>();
  for (const event of [
    'transfer-start',
    'transfer-progress',
    'transfer-done',
    'transfer-failed',
  ] as const) {
    node.on(event, (transfer) => {
      // Text mode prints progress once a second; JSON gets every update.
      const now = Date.now();
      if (event === 'transfer-progress' && !options.json) {
        if (now - (lastPrinted.get(transfer.id) ?? 0) < 1_000) return;
        lastPrinted.set(transfer.id, now);
      }
      output.record(
        {event, transfer},
        event === 'transfer-progress'
          ? `progress ${describeTransfer(transfer)}`
          : undefined,
      );
    });
  }
}

async function execute(
  node: FilerNode,
  command: HeadlessCommand,
  output: HeadlessOutput,
): Promise<void> {
  switch (command.kind) {
    case 'add':
      await node.addShare(command.path);
      return;
    case 'search':
      await node.search(command.key);
      return;
    case 'fetch':
      // Throws only if it cannot start; the outcome is in events and log lines.
      await node.startFetch(command.name, command.owner).done.catch(() => undefined);
      return;
    case 'cancel':
      if (!node.cancelTransfer(command.transferId)) {
        output.error(`no running transfer #${command.transferId}`);
      }
      return;
    case 'peers':
      return output.peers(node.peers());
    case 'files':
      return output.files(node.files());
    case 'transfers':
      return output.transfers(node.transfers());
    case 'remove':
      await node.removePeer(command.peerId);
      return;
    case 'rebuild': {
      const added = await node.rebuild(command.contact.host, command.contact.port);
      node.log('info', `rebuild: ${added} peer(s) added`);
      return;
    }
    case 'refresh':
      await node.checkPeers();
      return output.peers(node.peers());
    case 'help':
      return output.record({event: 'help', commands: HEADLESS_HELP}, HEADLESS_HELP);
    case 'quit':
      return;
  }
}
