import {useStdout} from 'ink';
import {useEffect, useState} from 'react';
import type {TerminalSize} from '../layout.js';

/**
 * The terminal's size, following resizes; `fixed` (for tests) wins. After a
 * resize the screen is cleared and drawn again, since a terminal reflows the
 * old frame in its own way.
 */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
  const {stdout, write} = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    if (fixed) return;
    let redraw: NodeJS.Immediate | undefined;
    const onResize = (): void => {
      setSize(readSize(stdout));
      clearImmediate(redraw);
      redraw = setImmediate(() => write(CLEAR_SCREEN));
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
      clearImmediate(redraw);
    };
  }, [stdout, write, fixed]);
  return fixed ?? size;
}

/** Erase the screen and home the cursor; Ink then writes its frame again. */
export const CLEAR_SCREEN = '\u001B[2J\u001B[3J\u001B[H';

function readSize(stdout: NodeJS.WriteStream): TerminalSize {
  return {columns: stdout.columns || 80, rows: stdout.rows || 24};
}
