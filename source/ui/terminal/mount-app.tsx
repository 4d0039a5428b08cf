import {render, type Instance, type RenderOptions} from 'ink';
import type {AppSession} from '../../app/session.js';
import {App} from '../components/App.js';
import {CursorContext} from './cursor-context.js';
import {ScreenWriter, type TerminalOut} from './screen-writer.js';

/**
 * How the App is rendered (the benchmark uses the same). Ink hands each frame
 * over whole (its debug mode: no erasing, no throttle) to the screen writer,
 * which sends the terminal only the lines that changed. App events are
 * already drawn at most once per frame by the app store, and a key press is
 * drawn at once.
 */
export const RENDER_OPTIONS = {
  exitOnCtrlC: false,
  debug: true,
  patchConsole: false,
} as const satisfies RenderOptions;

export type Mounted = {instance: Instance; screen: ScreenWriter};

export type MountOptions = {
  verbose: boolean;
  stdout?: TerminalOut;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  onRender?: RenderOptions['onRender'];
};

/** Renders the App on the terminal (the process's by default); Ctrl-C is the App's to handle. */
export function mountApp(session: AppSession, options: MountOptions): Mounted {
  const screen = new ScreenWriter(options.stdout ?? process.stdout);
  const instance = render(
    <CursorContext.Provider value={screen.setCursor}>
      <App session={session} verbose={options.verbose} />
    </CursorContext.Provider>,
    {
      ...RENDER_OPTIONS,
      stdout: screen as unknown as NodeJS.WriteStream,
      ...(options.stdin ? {stdin: options.stdin} : {}),
      ...(options.stderr ? {stderr: options.stderr} : {}),
      ...(options.onRender ? {onRender: options.onRender} : {}),
    },
  );
  return {instance, screen};
}
