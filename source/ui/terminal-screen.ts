/**
 * The alternate screen buffer: the UI draws on its own screen and, on the way
 * out (normal exit, signal or crash), the user's shell screen comes back as it
 * was, with the cursor visible and the tty out of raw mode.
 */
const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';
/** Erase the screen and home the cursor. */
export const CLEAR_SCREEN = '\u001B[2J\u001B[H';

export type FullScreen = {
  /** Idempotent; safe to call from an 'exit' handler. */
  restore: () => void;
};

/**
 * Switches to the alternate screen. Call before Ink renders: the resize
 * listener added here must run before Ink's. Ink draws each frame relative to
 * the cursor, which a resizing terminal may have moved; homing it first keeps
 * the frame on screen instead of scrolling it into the terminal's history.
 */
export function enterFullScreen(
  stdout: NodeJS.WriteStream,
  stdin: NodeJS.ReadStream,
): FullScreen {
  stdout.write(ENTER_ALTERNATE_SCREEN);
  const onResize = (): void => void stdout.write(CLEAR_SCREEN);
  stdout.on('resize', onResize);
  let restored = false;
  return {
    restore() {
      if (restored) return;
      restored = true;
      stdout.off('resize', onResize);
      if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
      stdout.write(LEAVE_ALTERNATE_SCREEN + SHOW_CURSOR);
    },
  };
}
