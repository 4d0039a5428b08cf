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

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): UiState => this.state;

  dispatch = (action: UiAction): void => {
    const next = uiReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  };
}
