/**
 * The screen before there is a node to show: when the UI starts a node in a
 * process of its own, that process takes a while to start, and Ink longer
 * still to load; the plain first frame (first-frame.ts) is drawn at once
 * instead. Lines the start-up wants to say are kept until the terminal is
 * the shell's again, where they stay readable.
 */
import {shortPath} from '../model/detail-line.js';
import {firstFrame} from './first-frame.js';
import {
  ENTER_ALTERNATE_SCREEN,
  LEAVE_ALTERNATE_SCREEN,
  SHOW_CURSOR,
} from './terminal-screen.js';

export type EarlyFrameInfo = {port: number; maxPeers: number; downloadDir: string};

export type EarlyScreen = {
  /** A line for the user, printed once the terminal is back (see leave). */
  note: (line: string) => void;
  /** The UI takes the screen over: from now on it restores the terminal. */
  handOver: () => void;
  /** Gives the terminal back (unless handed over) and prints the notes; idempotent. */
  leave: () => void;
};

type Out = {write(text: string): unknown; columns?: number; rows?: number};

export function showEarlyFrame(out: Out, info: EarlyFrameInfo): EarlyScreen {
  const notes: string[] = [];
  let handedOver = false;
  let left = false;
  out.write(
    ENTER_ALTERNATE_SCREEN +
      firstFrame(
        {columns: out.columns || 80, rows: out.rows || 24},
        {
          id: info.port > 0 ? `starting on port ${info.port}` : 'starting',
          maxPeers: info.maxPeers,
          downloadDir: shortPath(info.downloadDir, process.env.HOME),
        },
      ),
  );
  const leave = (): void => {
    if (left) return;
    left = true;
    process.off('exit', leave);
    if (!handedOver) out.write(LEAVE_ALTERNATE_SCREEN + SHOW_CURSOR);
    for (const line of notes) out.write(`${line}\n`);
  };
  // A crash before the UI took over still gives the shell its screen back.
  process.once('exit', leave);
  return {
    note: (line) => void notes.push(line),
    handOver: () => {
      handedOver = true;
    },
    leave,
  };
}
