import {Box, Text} from 'ink';

type Props = {
  id: string;
  peers: number;
  maxPeers: number;
  shared: number;
  network: number;
  transfers: number;
  width: number;
};

/** Who this node is and what it holds, on one line. */
export function Header({id, peers, maxPeers, shared, network, transfers, width}: Props) {
  return (
    <Box height={1} width={width}>
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          filer-tui
        </Text>
        {'  '}
        <Text bold>{id}</Text>
        {'  '}peers <Text bold>{`${peers}/${maxPeers === 0 ? '∞' : maxPeers}`}</Text>
        {'  '}shared <Text bold>{shared}</Text>
        {'  '}network <Text bold>{network}</Text>
        {'  '}transfers{' '}
        <Text bold color={transfers > 0 ? 'cyan' : undefined}>
          {transfers}
        </Text>
      </Text>
    </Box>
  );
}
