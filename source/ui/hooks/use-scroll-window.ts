import {useState} from 'react';
import {listWindow, scrollOffset, type ListWindow} from '../model/scroll-window.js';

/**
 * The rows of a list to render: `height` rows around `selected`, scrolling only
 * when the selection leaves the view.
 */
export function useScrollWindow(
  total: number,
  selected: number,
  height: number,
): ListWindow {
  const [offset, setOffset] = useState(0);
  const start = scrollOffset(offset, Math.max(selected, 0), height, total);
  // Remembering the start from the previous render is what keeps the view still.
  if (start !== offset) setOffset(start);
  return listWindow(start, height, total);
}
