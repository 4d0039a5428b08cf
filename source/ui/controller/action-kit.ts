/**
 * What every key handler needs: the latest input, the UI's own log line,
 * the store, the selection, and running an app command without waiting
 * (its refusal or failure becomes one line in this UI's log).
 */
import {
  FailureCode,
  isNotice,
  type AppCommand,
  type AppFailure,
  type OutcomeOf,
} from '../../app/commands.js';
import type {LogLevel} from '../../node/types.js';
import {describeError} from '../../protocol/errors.js';
import {resolveSelected} from '../model/key-context.js';
import type {UiStore} from '../stores/ui-store.js';
import type {KeyActionsInput} from './key-actions.js';

/** The key that helps with a refusal, said after it. */
const KEY_HINTS: Partial<Record<string, string>> = {
  [FailureCode.alreadyFetching]: 'c cancels it',
};

type Success<C extends AppCommand> = Extract<OutcomeOf<C>, {ok: true}>;

export type ActionKit = ReturnType<typeof createActionKit>;

/** Reads `current()` each time, so a handler always sees the latest input. */
export function createActionKit(current: () => KeyActionsInput) {
  const note = (level: LogLevel, message: string): void => current().note(level, message);
  const dispatch: UiStore['dispatch'] = (action) => current().store.dispatch(action);
  const state = () => current().store.getState();
  const selected = () => resolveSelected(state(), current().lists);

  const showFailure = (failure: AppFailure): void => {
    const hint = KEY_HINTS[failure.code];
    note(
      isNotice(failure) ? 'info' : 'error',
      hint ? `${failure.message}; ${hint}` : failure.message,
    );
  };

  /** Runs a command without waiting; its refusal or failure is noted. */
  const execute = <C extends AppCommand>(
    command: C,
    done?: (outcome: Success<C>) => void,
    failed: (failure: AppFailure) => void = showFailure,
  ): void => {
    current()
      .session.execute(command)
      .then((outcome) => (outcome.ok ? done?.(outcome as Success<C>) : failed(outcome)))
      .catch((error: unknown) => note('error', describeError(error)));
  };
  return {current, note, dispatch, state, selected, showFailure, execute};
}
