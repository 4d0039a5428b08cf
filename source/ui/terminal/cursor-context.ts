import {createContext} from 'react';
import type {CursorPosition} from './screen-writer.js';

/**
 * Where a text field wants the terminal's cursor (undefined: hidden). The
 * screen writer provides it; without one (tests) it is a no-op.
 */
export const CursorContext = createContext<
  (position: CursorPosition | undefined) => void
>(() => undefined);
