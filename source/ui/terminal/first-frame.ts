/**
 * The screen as the UI will first draw it, made of plain strings, written
 * the moment the node listens: loading Ink and React takes far longer than
 * everything before it, and a person should not stare at an empty terminal
 * meanwhile. Same layout, borders, titles and key bar as the App's first
 * frame, without colour; the App's own frame replaces it. No Ink, no React here.
 */
import {fitBarItems, BAR_GAP} from '../model/fit-bar.js';
import type {KeyContext} from '../model/key-binding.js';
import {barItems} from '../model/key-lookup.js';
import {computeLayout, isTooSmall, type TerminalSize} from '../model/layout.js';
import {padWidth} from '../model/text-width.js';

export type FirstFrameInfo = {id: string; maxPeers: number; downloadDir: string};

const BROWSING: KeyContext = {
  mode: 'browse',
  focus: 'files',
  fileSelected: false,
  peerSelected: false,
  transferRunning: false,
};

export function firstFrame(size: TerminalSize, info: FirstFrameInfo): string {
  if (isTooSmall(size)) return 'starting filer-tui…';
  const layout = computeLayout(size, {transfers: 0, dialogHeight: 0});
  const max = info.maxPeers === 0 ? '∞' : String(info.maxPeers);
  const header = `${layout.width >= 100 ? 'filer-tui  ' : ''}${info.id}  peers 0/${max}  shared 0  network 0  transfers 0  saves to ${info.downloadDir}`;
  const files = box(layout.filesWidth, layout.paneHeight, '▶ Available Files · 0', true, [
    '   name',
    '  no files yet: a shares, s searches the network',
  ]);
  const peers = box(layout.peersWidth, layout.paneHeight, `Peer List · 0/${max}`, false, [
    'starting…',
  ]);
  const log = box(layout.width, layout.logHeight, 'Log · l reads it all', false, []);
  const bar = fitBarItems(barItems(BROWSING), layout.width)
    .map((item) => `${item.keys} ${item.label}`)
    .join(' '.repeat(BAR_GAP));
  const lines = [
    padWidth(header, layout.width),
    ...files.map((line, index) => line + (peers[index] ?? '')),
    ...Array.from({length: layout.detailRows}, () => ' '.repeat(layout.width)),
    ...log,
    padWidth(bar, layout.width),
  ];
  return lines.join('\n');
}

/** A pane as the App draws it: title on the top border, double when focused. */
function box(
  width: number,
  height: number,
  title: string,
  focused: boolean,
  content: readonly string[],
): string[] {
  const [left, fill, right, side, bottomLeft, bottomRight] = focused
    ? ['╔═', '═', '╗', '║', '╚', '╝']
    : ['╭─', '─', '╮', '│', '╰', '╯'];
  const inner = width - 2;
  const top = `${left}${padWidth(` ${title} `, inner - 1).replace(/ +$/u, (spaces) => ` ${fill.repeat(spaces.length - 1)}`)}${right}`;
  const body = Array.from(
    {length: Math.max(height - 2, 0)},
    (_, index) => `${side}${padWidth(content[index] ?? '', inner)}${side}`,
  );
  return [top, ...body, `${bottomLeft}${fill.repeat(inner)}${bottomRight}`];
}
