/**
 * The terminal for the length of the UI: the alternate screen buffer, so that
 * on the way out (normal exit, signal or crash) the user's shell screen comes
 * back as it was, with the cursor visible and the tty out of raw mode; and the
 * terminal going away (SSH dropped, tmux pane killed), which is reported once
 * instead of turning every later write into an uncaught EIO error.
 */
export const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[H';
export const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
export const SHOW_CURSOR = '\u001B[?25h';
/** Erase the screen and home the cursor. */
export const CLEAR_SCREEN = '\u001B[2J\u001B[H';

export type TerminalStreams = {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
};

export type FullScreen = {
  /** Idempotent; safe to call from an 'exit' handler. */
  restore: () => void;
  /** True once the terminal is gone: nothing more is written to it. */
  readonly gone: boolean;
};

/**
 * Switches to the alternate screen. Call before Ink renders: the resize
 * listener added here must run before Ink's. Ink draws each frame relative to
 * the cursor, which a resizing terminal may have moved; homing it first keeps
 * the frame on screen instead of scrolling it into the terminal's history.
 */
export function enterFullScreen(
  {stdin, stdout, stderr}: TerminalStreams,
  onHangup: () => void,
): FullScreen {
  let gone = false;
  let restored = false;
  const hangup = (): void => {
    if (gone) return;
    gone = true;
    onHangup();
  };
  // A vanished terminal fails writes with EIO and ends stdin.
  stdout.on('error', hangup);
  stderr.on('error', hangup);
  stdin.on('error', hangup);
  stdin.on('end', hangup);
  const onResize = (): void => void stdout.write(CLEAR_SCREEN);
  stdout.on('resize', onResize);
  stdout.write(ENTER_ALTERNATE_SCREEN);
  return {
    get gone() {
      return gone;
    },
    restore() {
      if (restored) return;
      restored = true;
      stdout.off('resize', onResize);
      stdin.off('end', hangup);
      // The error listeners stay: a write still queued must not crash the exit.
      if (gone) return;
      if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
      stdout.write(LEAVE_ALTERNATE_SCREEN + SHOW_CURSOR);
    },
  };
}
