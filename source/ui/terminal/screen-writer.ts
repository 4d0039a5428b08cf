/**
 * What reaches the terminal: only the lines that changed since the last
 * frame, as curses programs do. Ink renders each frame as a whole string (its
 * debug mode hands it over as is); this compares it with what is on the
 * screen and writes, for each changed line, a cursor move, the line and an
 * erase to its end. A progress tick then costs one line instead of the
 * screen: over SSH the difference between ~85 KB/s and a few hundred bytes.
 * Ink's own incrementalRendering (6.8) shifts the frame by a line when the
 * output does not fill the terminal, so it is not used.
 *
 * The terminal's cursor is shown only where a text field puts it. A resize,
 * or Ctrl-L, forgets the screen and draws it whole.
 */
import {EventEmitter} from 'node:events';

const CSI = '\u001B[';
const HIDE_CURSOR = `${CSI}?25l`;
const SHOW_CURSOR = `${CSI}?25h`;
const ERASE_LINE_END = `${CSI}K`;
const ERASE_BELOW = `${CSI}J`;
/** An erase of the whole screen (Ctrl-L asks for a redraw with it). */
const ERASE_SCREEN = `${CSI}2J`;
/** Output brackets that make terminals show a frame at once, never half drawn. */
const BEGIN_SYNC = `${CSI}?2026h`;
const END_SYNC = `${CSI}?2026l`;

export type CursorPosition = {x: number; y: number};

function moveTo(row: number, column = 0): string {
  return `${CSI}${row + 1};${column + 1}H`;
}

/** What the writer needs of a terminal: process.stdout, or a fake one in the benchmark. */
export type TerminalOut = {
  write(text: string): unknown;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
  columns?: number;
  rows?: number;
};

/** A stdout for Ink: a TTY of the terminal's size that writes only differences. */
export class ScreenWriter extends EventEmitter {
  readonly isTTY = true;
  /** The lines on the screen, as last written; undefined: unknown, draw all. */
  private shown: string[] | undefined;
  private cursor: CursorPosition | undefined;
  private cursorShown: CursorPosition | undefined;
  private lastFrame: string | undefined;
  private written = 0;

  constructor(private readonly out: TerminalOut) {
    super();
    out.on('resize', this.onResize);
  }

  get columns(): number {
    return this.out.columns || 80;
  }

  get rows(): number {
    return this.out.rows || 24;
  }

  /** Bytes written to the terminal so far (the benchmark reads it). */
  get bytesWritten(): number {
    return this.written;
  }

  /** Where the terminal's cursor goes with the next frame; undefined hides it. */
  setCursor = (position: CursorPosition | undefined): void => {
    this.cursor = position;
  };

  /** Ink writes each frame whole; anything with an erase of the screen asks for a full redraw. */
  write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    let text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes(ERASE_SCREEN)) {
      this.shown = undefined;
      text = text.slice(text.lastIndexOf(ERASE_SCREEN) + ERASE_SCREEN.length);
      text = text.replace(/^\u001B\[H/u, '');
      // A redraw with nothing new: the last frame again, whole.
      if (text === '') text = this.lastFrame ?? '';
    }
    const callback = rest.find((item) => typeof item === 'function') as
      (() => void) | undefined;
    if (text !== '') this.paint(text);
    callback?.();
    return true;
  }

  /** Forgets the screen: the next frame is drawn whole. */
  forget(): void {
    this.shown = undefined;
  }

  dispose(): void {
    this.out.off('resize', this.onResize);
  }

  private readonly onResize = (): void => {
    this.shown = undefined;
    this.emit('resize');
  };

  private paint(frame: string): void {
    this.lastFrame = frame;
    const lines = frame.split('\n');
    const before = this.shown;
    let update = '';
    if (before === undefined) {
      update =
        moveTo(0) + lines.map((line) => line + ERASE_LINE_END).join('\r\n') + ERASE_BELOW;
    } else {
      lines.forEach((line, row) => {
        if (line !== before[row]) update += moveTo(row) + line + ERASE_LINE_END;
      });
      if (lines.length < before.length) update += moveTo(lines.length) + ERASE_BELOW;
    }
    this.shown = lines;
    const cursor = this.cursor;
    const moved = cursor?.x !== this.cursorShown?.x || cursor?.y !== this.cursorShown?.y;
    if (update === '' && !moved) return;
    // The cursor is hidden while lines are drawn, then put where it belongs.
    let text = HIDE_CURSOR + update;
    if (cursor) text += moveTo(cursor.y, cursor.x) + SHOW_CURSOR;
    this.cursorShown = cursor && {...cursor};
    this.send(BEGIN_SYNC + text + END_SYNC);
  }

  private send(text: string): void {
    this.written += Buffer.byteLength(text);
    this.out.write(text);
  }
}
