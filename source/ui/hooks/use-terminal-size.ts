import {useStdout} from 'ink';
import {useEffect, useState} from 'react';
import type {TerminalSize} from '../model/layout.js';

/** The terminal's size, following resizes; `fixed` (for tests) wins. */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
  const {stdout} = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    if (fixed) return;
    const onResize = (): void => setSize(readSize(stdout));
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout, fixed]);
  return fixed ?? size;
}

function readSize(stdout: NodeJS.WriteStream): TerminalSize {
  return {columns: stdout.columns || 80, rows: stdout.rows || 24};
}
