/**
 * Rendering the App for tests: type keys and wait for the exact frame that
 * shows their effect, never a fixed sleep. Sessions come from FilerApps over
 * the nodes of network.ts.
 */
import {setImmediate as tick} from 'node:timers/promises';
import {render} from 'ink-testing-library';
import type {AppSession} from '../../source/app/session.js';
import {App} from '../../source/ui/components/App.js';
import type {TerminalSize} from '../../source/ui/model/layout.js';
import {eventually} from './eventually.js';

/** Bytes a terminal sends for each key. */
export const KEY = {
  tab: '\t',
  shiftTab: '\u001B[Z',
  escape: '\u001B',
  enter: '\r',
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  delete: '\u001B[3~',
  ctrlC: '\u0003',
  ctrlL: '\u000C',
} as const;

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[@-Z\\-_])/g, '');
}

export type AppHarness = {
  /** The last frame, without colours (for messages; assert on waitForFrame's). */
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
  session: AppSession,
  size: TerminalSize = {columns: 100, rows: 30},
): Promise<AppHarness> {
  let exited = false;
  const instance = render(
    <App session={session} size={size} onExit={() => (exited = true)} />,
  );
  const frame = (): string => stripAnsi(instance.lastFrame() ?? '');
  const waitForFrame: AppHarness['waitForFrame'] = (predicate, what, timeoutMs) =>
    eventually(
      () => {
        const current = frame();
        return predicate(current) ? current : undefined;
      },
      () => `${what}; last frame:\n${frame()}`,
      {timeoutMs},
    );
  await waitForFrame((text) => text.length > 0, 'the first frame');
  // Ink subscribes to stdin in an effect, after the first frame: keys typed
  // before that would be lost.
  await eventually(
    () => instance.stdin.listenerCount('readable') > 0,
    'Ink to listen to keys',
  );
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
  return frame.split('\n').find((line) => /^[│║]›/u.test(line)) ?? '';
}
