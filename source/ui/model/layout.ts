/** Below this the panes cannot show a useful row; a one-line notice is shown instead. */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 15;

/** Most transfer bars shown at once; the header counts them all. */
const MAX_TRANSFER_ROWS = 3;
const MIN_PANE_HEIGHT = 5;
const MIN_LOG_HEIGHT = 3;
const MAX_LOG_HEIGHT = 12;

export type TerminalSize = {columns: number; rows: number};

export type Layout = {
  /** Lines the whole app uses: one less than the terminal, see below. */
  height: number;
  width: number;
  /** Height of the Files and Peers panes, borders included. */
  paneHeight: number;
  filesWidth: number;
  peersWidth: number;
  transferRows: number;
  /** The line about the selected row (or the filter being typed), when there is room. */
  detailRows: number;
  /** Height of the Log pane, borders included. */
  logHeight: number;
  /** Lines given to a prompt or dialog above the key bar. */
  dialogHeight: number;
};

export function isTooSmall({columns, rows}: TerminalSize): boolean {
  return columns < MIN_COLUMNS || rows < MIN_ROWS;
}

/** The most lines a dialog may take, leaving the panes and the log their minimum. */
export function maxDialogHeight({rows}: TerminalSize): number {
  return usableHeight(rows) - 2 - MIN_PANE_HEIGHT - MIN_LOG_HEIGHT;
}

/**
 * Splits the screen: header, Files | Peers side by side, a detail line,
 * transfer bars, Log, an optional dialog, key bar.
 */
export function computeLayout(
  size: TerminalSize,
  {transfers, dialogHeight}: {transfers: number; dialogHeight: number},
): Layout {
  const height = usableHeight(size.rows);
  const dialog = Math.max(0, Math.min(dialogHeight, maxDialogHeight(size)));
  let free = height - 2 - dialog;
  const transferRows = Math.max(
    0,
    Math.min(transfers, MAX_TRANSFER_ROWS, free - MIN_PANE_HEIGHT - MIN_LOG_HEIGHT),
  );
  free -= transferRows;
  // The detail line gives way to transfers and dialogs on a small terminal.
  const detailRows = free - 1 >= MIN_PANE_HEIGHT + MIN_LOG_HEIGHT ? 1 : 0;
  free -= detailRows;
  let logHeight = clamp(Math.round(free * 0.3), MIN_LOG_HEIGHT, MAX_LOG_HEIGHT);
  if (free - logHeight < MIN_PANE_HEIGHT) {
    logHeight = Math.max(MIN_LOG_HEIGHT, free - MIN_PANE_HEIGHT);
  }
  const peersWidth = clamp(Math.round(size.columns * 0.3), 24, 40);
  return {
    height,
    width: size.columns,
    paneHeight: free - logHeight,
    filesWidth: size.columns - peersWidth,
    peersWidth,
    transferRows,
    detailRows,
    logHeight,
    dialogHeight: dialog,
  };
}

/**
 * Ink clears the whole terminal on every frame once its output fills the
 * screen, which flickers; one spare line avoids that.
 */
function usableHeight(rows: number): number {
  return rows - 1;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
