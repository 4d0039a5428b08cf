/**
 * The alternate screen buffer: the UI draws on its own screen and, on the way
 * out (normal exit, signal or crash), the user's shell screen comes back as it
 * was, with the cursor visible and the tty out of raw mode.
 */
const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

export type FullScreen = {
  /** Idempotent; safe to call from an 'exit' handler. */
  restore: () => void;
};

export function enterFullScreen(
  stdout: NodeJS.WriteStream,
  stdin: NodeJS.ReadStream,
): FullScreen {
  stdout.write(ENTER_ALTERNATE_SCREEN);
  let restored = false;
  return {
    restore() {
      if (restored) return;
      restored = true;
      if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
      stdout.write(LEAVE_ALTERNATE_SCREEN + SHOW_CURSOR);
    },
  };
}
