import {Box, Text} from 'ink';
import {takeLastColumns, textWidth} from '../model/text-width.js';

type Props = {
  id: string;
  peers: number;
  maxPeers: number;
  shared: number;
  network: number;
  transfers: number;
  /** The node stays when the terminal closes (--keep-running, K). */
  keepsRunning: boolean;
  /** Where fetched files go, shortened (~). */
  downloadDir: string;
  width: number;
};

/** What each header counter means; the help shows these lines. */
export const HEADER_COUNTERS: ReadonlyArray<readonly [string, string]> = [
  ['peers n/m', 'neighbours now / most kept (∞: no limit)'],
  ['shared', 'files this node shares (yours, and what you fetched)'],
  ['network', 'names other peers have, learned from searches'],
  ['transfers', 'downloads running now'],
  ['keeps running', 'the node stays when the terminal closes (K toggles it)'],
  ['saves to', 'the download folder (--download-dir)'],
];

/** Who this node is, what it holds and where downloads go, on one line. */
export function Header({
  id,
  peers,
  maxPeers,
  shared,
  network,
  transfers,
  keepsRunning,
  downloadDir,
  width,
}: Props) {
  const stays = keepsRunning ? '  keeps running' : '';
  const counters = `  peers ${peers}/${maxPeers === 0 ? '∞' : maxPeers}  shared ${shared}  network ${network}  transfers ${transfers}${stays}`;
  // The name gives way on a narrow terminal; then the folder shows its end.
  const brand = width >= 100;
  const used = textWidth(`${brand ? 'filer-tui  ' : ''}${id}${counters}  saves to `);
  const folder = endOf(downloadDir, Math.max(width - used, 6));
  return (
    <Box height={1} width={width}>
      <Text wrap="truncate-end">
        {brand ? (
          <Text bold color="cyan">
            filer-tui{'  '}
          </Text>
        ) : null}
        <Text bold>{id}</Text>
        {'  '}peers <Text bold>{`${peers}/${maxPeers === 0 ? '∞' : maxPeers}`}</Text>
        {'  '}shared <Text bold>{shared}</Text>
        {'  '}network <Text bold>{network}</Text>
        {'  '}transfers{' '}
        <Text bold color={transfers > 0 ? 'cyan' : undefined}>
          {transfers}
        </Text>
        {keepsRunning ? (
          <Text bold color="yellow">
            {stays}
          </Text>
        ) : null}
        {'  '}saves to <Text bold>{folder}</Text>
      </Text>
    </Box>
  );
}

/** The end of a path that fits in `width` columns, from a separator on: "…/music/downloads". */
function endOf(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  const end = takeLastColumns(text, width - 1);
  const separator = end.indexOf('/');
  return `…${separator > 0 ? end.slice(separator) : end}`;
}
