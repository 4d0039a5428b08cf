import type {AppCommand} from '../../app/commands.js';
import type {AppSession} from '../../app/session.js';
import {describeError} from '../../protocol/errors.js';
import {applyColourChoice, preferProductionReact} from './colour-choice.js';
import {shortPath} from '../model/detail-line.js';
import {firstFrame} from './first-frame.js';
import {enterFullScreen} from './terminal-screen.js';

export type RunUiOptions = {
  /** The command line's start-up (shares, join), run once the UI shows; an attached node ran its own. */
  start?: Extract<AppCommand, {kind: 'start'}>;
  verbose: boolean;
};

/** SIGHUP: the terminal closed; the others: asked to stop. All close the node first. */
const QUIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A crash still says QUIT to the peers, but does not wait on them for ever. */
const CRASH_EXIT_MS = 3_000;

/**
 * Runs the full-screen UI over the app of an open node until the user quits.
 * The start-up runs after the first frame, so its log lines are seen.
 * Resolves once the node has closed and the terminal is restored.
 */
export async function runUi(session: AppSession, options: RunUiOptions): Promise<void> {
  // React's development build checks every render at a cost a user should not
  // pay; it is chosen when React is first loaded, hence the dynamic import.
  preferProductionReact(process.env);
  applyColourChoice(process.env);

  // The App exits when the app reports 'closed'. A node in its own process
  // (docs/daemon.md) is not closed by the UI going: it judges that itself.
  const attached = session.control !== undefined;
  const quit = (): Promise<unknown> =>
    attached ? Promise.resolve() : session.execute({kind: 'quit'});
  const closeNode = attached ? (): never => process.exit(0) : (): void => void quit();
  const screen = enterFullScreen(process, closeNode);
  // However the process ends, the shell gets its screen back.
  process.once('exit', screen.restore);
  for (const signal of QUIT_SIGNALS) process.on(signal, closeNode);

  // Something to look at at once; Ink and React take a while to load.
  const {identity} = session.snapshot();
  process.stdout.write(
    firstFrame(
      {columns: process.stdout.columns || 80, rows: process.stdout.rows || 24},
      {...identity, downloadDir: shortPath(identity.downloadDir, process.env.HOME)},
    ),
  );
  const {mountApp} = await import('./mount-app.js');
  // The App's first frame is drawn whole, over the plain one.
  const {instance, screen: writer} = mountApp(session, {verbose: options.verbose});
  let crashed = false;
  const onCrash = (error: unknown): void => {
    // Anything thrown while going down is part of the same crash.
    if (crashed) return;
    crashed = true;
    instance.unmount();
    screen.restore();
    if (!screen.gone) {
      const detail = error instanceof Error && error.stack ? `\n${error.stack}` : '';
      process.stderr.write(`filer-tui: ${describeError(error)}${detail}\n`);
    }
    setTimeout(() => process.exit(1), CRASH_EXIT_MS).unref();
    void quit().finally(() => process.exit(1));
  };
  process.on('uncaughtException', onCrash);

  if (options.start) void session.execute(options.start);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const signal of QUIT_SIGNALS) process.off(signal, closeNode);
    process.off('uncaughtException', onCrash);
    writer.dispose();
    screen.restore();
    process.off('exit', screen.restore);
    await quit();
  }
}
