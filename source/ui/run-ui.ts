import type {FilerNode} from '../node/filer-node.js';
import {describeError} from '../protocol/errors.js';
import {enterFullScreen} from './terminal-screen.js';

export type RunUiOptions = {start: () => Promise<void>; verbose: boolean};

const QUIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs the full-screen UI over an open node until the user quits. The join
 * (`start`) runs after the first frame, so its log lines are seen. Resolves
 * once the node has closed and the terminal is restored.
 */
export async function runUi(node: FilerNode, options: RunUiOptions): Promise<void> {
  // React's development build checks every render at a cost a user should not
  // pay; it is chosen when React is first loaded, hence the dynamic import.
  process.env.NODE_ENV ??= 'production';
  const {mountApp} = await import('./mount-app.js');

  const screen = enterFullScreen(process.stdout, process.stdin);
  // However the process ends, the shell gets its screen back.
  process.once('exit', screen.restore);
  const closeNode = (): void => void node.close();
  for (const signal of QUIT_SIGNALS) process.on(signal, closeNode);

  const instance = mountApp(node, options.verbose);
  const onCrash = (error: unknown): void => {
    instance.unmount();
    screen.restore();
    process.stderr.write(`filer-tui: ${describeError(error)}\n`);
    if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    void node.close().finally(() => process.exit(1));
  };
  process.on('uncaughtException', onCrash);

  options.start().catch((error: unknown) => node.log('error', describeError(error)));
  try {
    await instance.waitUntilExit();
  } finally {
    for (const signal of QUIT_SIGNALS) process.off(signal, closeNode);
    process.off('uncaughtException', onCrash);
    screen.restore();
    process.off('exit', screen.restore);
    await node.close();
  }
}
