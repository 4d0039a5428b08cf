import {render, type Instance, type RenderOptions} from 'ink';
import type {AppSession} from '../../app/session.js';
import {App} from '../components/App.js';

/**
 * How the App is rendered (the benchmark uses the same). App events are
 * already drawn at most once per frame by the app store, so Ink's own
 * throttle is kept short: a key press is drawn at once rather than waiting
 * out a frame started by an event.
 */
export const RENDER_OPTIONS = {
  exitOnCtrlC: false,
  maxFps: 120,
} as const satisfies RenderOptions;

/** Renders the App on the process's terminal; Ctrl-C is the App's to handle. */
export function mountApp(session: AppSession, verbose: boolean): Instance {
  return render(<App session={session} verbose={verbose} />, RENDER_OPTIONS);
}
