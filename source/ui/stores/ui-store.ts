import {
  INITIAL_UI_STATE,
  uiReducer,
  type UiAction,
  type UiState,
} from '../model/ui-state.js';

/**
 * The UI state outside React, changed at once by dispatch. Ink renders a tick
 * after a key press, so a second key in the same tick would see stale React
 * state; key handling reads this store instead.
 */
export class UiStore {
  private state: UiState = INITIAL_UI_STATE;
  private readonly listeners = new Set<() => void>();
  /** The prompt revision whose text input is listening to keys, if any. */
  private listeningPrompt: number | undefined;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): UiState => this.state;

  dispatch = (action: UiAction): void => {
    const next = uiReducer(this.state, action);
    if (next === this.state) return;
    // A new prompt starts at revision 0 again: it is not listening yet.
    if (action.type === 'open' || action.type === 'close')
      this.listeningPrompt = undefined;
    this.state = next;
    for (const listener of this.listeners) listener();
  };

  /** Called once the prompt's text input subscribed to the keys (after its render). */
  promptListening = (revision: number): void => {
    const {mode} = this.state;
    if (mode.kind === 'prompt' && mode.revision === revision) {
      this.listeningPrompt = revision;
    }
  };

  /** True when typed keys reach the prompt's text input by themselves. */
  isPromptListening(): boolean {
    const {mode} = this.state;
    return mode.kind === 'prompt' && mode.revision === this.listeningPrompt;
  }
}
