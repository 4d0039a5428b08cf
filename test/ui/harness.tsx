/**
 * Rendering the App against real FilerNodes on loopback: start nodes, render,
 * type keys, and wait for frames or events without fixed sleeps.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {setImmediate as tick} from 'node:timers/promises';
import {render} from 'ink-testing-library';
import {FilerNode, type FilerNodeOptions} from '../../source/node/filer-node.js';
import type {FilerNodeEvents} from '../../source/node/types.js';
import {encodeFrame, encodeHeader, FrameDecoder} from '../../source/protocol/frame.js';
import {MessageType} from '../../source/protocol/messages.js';
import {App} from '../../source/ui/components/App.js';
import type {TerminalSize} from '../../source/ui/layout.js';

export const LOOPBACK = '127.0.0.1';
const WAIT_MS = 5_000;

/** Bytes a terminal sends for each key. */
export const KEY = {
  tab: '\t',
  shiftTab: '\u001B[Z',
  escape: '\u001B',
  enter: '\r',
  up: '\u001B[A',
  down: '\u001B[B',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  delete: '\u001B[3~',
  ctrlC: '\u0003',
  ctrlL: '\u000C',
} as const;

export async function makeTempDir(label: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `filer-ui-${label}-`));
}

export function startNode(options: FilerNodeOptions = {}): Promise<FilerNode> {
  return FilerNode.start({
    port: 0,
    bindHost: LOOPBACK,
    advertisedHost: LOOPBACK,
    maxPeers: 5,
    stabilizeIntervalMs: 0,
    ...options,
  });
}

/** Polls `check` every 10 ms until it returns something other than undefined/false. */
export async function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The next `event` from `node` that satisfies `predicate`; create it before the action. */
export function nextEvent<E extends keyof FilerNodeEvents>(
  node: FilerNode,
  event: E,
  predicate: (...args: FilerNodeEvents[E]) => boolean = () => true,
  timeoutMs = WAIT_MS,
): Promise<FilerNodeEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      node.off(event, listener);
      reject(new Error(`no ${event} on ${node.id} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: FilerNodeEvents[E]): void => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      node.off(event, listener);
      resolve(args);
    };
    node.on(event, listener);
  });
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[@-Z\\-_])/g, '');
}

export type AppHarness = {
  /** The last frame, without colours. */
  frame: () => string;
  /** Types keys, then lets Ink settle (a lone Esc is read on the next tick). */
  press: (...keys: string[]) => Promise<void>;
  /** Types text as one burst, as a paste or tmux send-keys -l does. */
  type: (text: string) => Promise<void>;
  waitForFrame: (
    predicate: (frame: string) => boolean,
    what: string,
    timeoutMs?: number,
  ) => Promise<string>;
  exited: () => boolean;
  unmount: () => void;
};

export async function renderApp(
  node: FilerNode,
  size: TerminalSize = {columns: 100, rows: 30},
): Promise<AppHarness> {
  let exited = false;
  const instance = render(<App node={node} size={size} onExit={() => (exited = true)} />);
  const frame = (): string => stripAnsi(instance.lastFrame() ?? '');
  const waitForFrame: AppHarness['waitForFrame'] = (predicate, what, timeoutMs) =>
    waitUntil(
      () => {
        const current = frame();
        return predicate(current) ? current : undefined;
      },
      `${what}; last frame:\n${frame()}`,
      timeoutMs,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nlast frame:\n${frame()}`);
    });
  // Ink subscribes to stdin in an effect, after the first frame.
  await tick();
  await waitForFrame((text) => text.length > 0, 'the first frame');
  return {
    frame,
    async press(...keys) {
      for (const key of keys) {
        instance.stdin.write(key);
        await tick();
        await tick();
      }
    },
    async type(text) {
      instance.stdin.write(text);
      await tick();
    },
    waitForFrame,
    exited: () => exited,
    unmount: () => instance.unmount(),
  };
}

/** The line of `frame` that contains `text`, or ''. */
export function lineWith(frame: string, text: string): string {
  return frame.split('\n').find((line) => line.includes(text)) ?? '';
}

/** The row of the Files pane that carries the selection cursor. */
export function selectedFileRow(frame: string): string {
  return frame.split('\n').find((line) => line.startsWith('│›')) ?? '';
}

/**
 * A peer that owns one file and sends it slowly, so a transfer can be watched
 * and cancelled: it answers FGET with a header for `size` bytes and then a
 * kilobyte every 20 ms. Every other request is closed unanswered, as an
 * original peer does with an unknown type.
 */
export async function startSlowOwner(size: number): Promise<{
  id: string;
  announce: (to: FilerNode, name: string) => Promise<void>;
  close: () => Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.type !== MessageType.fileGet) {
          socket.destroy();
          return;
        }
        socket.write(encodeHeader(MessageType.reply, size));
        let sent = 0;
        const timer = setInterval(() => {
          if (socket.destroyed || sent >= size) {
            clearInterval(timer);
            timers.delete(timer);
            socket.end();
            return;
          }
          const piece = Math.min(1024, size - sent);
          socket.write(Buffer.alloc(piece, 7));
          sent += piece;
        }, 20);
        timers.add(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const {port} = server.address() as net.AddressInfo;
  const id = `${LOOPBACK}:${port}`;
  return {
    id,
    async announce(to, name) {
      const socket = net.connect(to.port, LOOPBACK);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      socket.end(encodeFrame(MessageType.response, `${name} ${id}`));
      await new Promise((resolve) => socket.once('close', resolve));
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
