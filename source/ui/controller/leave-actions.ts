/**
 * The keys that end this UI: quit (asking first while transfers run, or
 * whether to stop a node that would keep running), detach, and the node's
 * keep-running switch.
 */
import {runningTransfers} from '../../app/transfer-rules.js';
import {describeError} from '../../protocol/errors.js';
import type {ActionKit} from './action-kit.js';

export function createLeaveActions({
  current,
  note,
  dispatch,
  state,
  showFailure,
  execute,
}: ActionKit) {
  const quitNow = (): void => {
    const {exitNow} = current();
    if (state().mode.kind === 'closing') {
      exitNow();
      return;
    }
    dispatch({type: 'open', mode: {kind: 'closing'}});
    // The UI exits when the app reports 'closed' (see useOnClosed).
    execute({kind: 'quit'}, undefined, (failure) => {
      showFailure(failure);
      exitNow();
    });
  };

  /**
   * q asks first while transfers run, or (node in its own process) whether to
   * stop the node or close only the UI when the node would keep running.
   * Ctrl-C never asks.
   */
  const quit = (key: string): void => {
    if (key === 'q' && current().session.control?.wouldKeepRunning()) {
      dispatch({type: 'open', mode: {kind: 'leave'}});
      return;
    }
    const running = runningTransfers(current().transfers).length;
    if (key === 'q' && running > 0) {
      dispatch({type: 'open', mode: {kind: 'confirm', ask: {action: 'quit', running}}});
      return;
    }
    quitNow();
  };

  /** Leaves the node running in the background and closes this UI. */
  const detach = (): void => {
    const {session, exitNow} = current();
    if (!session.control) return;
    dispatch({type: 'open', mode: {kind: 'closing'}});
    session.control
      .detach()
      .catch((error: unknown) => note('error', describeError(error)))
      .finally(exitNow);
  };

  const toggleKeepRunning = (): void => {
    const control = current().session.control;
    if (!control) return;
    const on = !control.keepRunning();
    control
      .setKeepRunning(on)
      .then(() =>
        note(
          'info',
          on
            ? 'keep running: on, the node stays when the terminal closes'
            : 'keep running: off, the node leaves when the terminal closes (unless transfers run)',
        ),
      )
      .catch((error: unknown) => note('error', describeError(error)));
  };

  return {quitNow, quit, detach, toggleKeepRunning};
}
