import {Box, Text} from 'ink';
import {memo} from 'react';
import type {PeerInfo} from '../../node/types.js';
import {useScrollWindow} from '../hooks/use-scroll-window.js';
import {fitWidth} from '../model/text-width.js';
import {Pane} from './Pane.js';

type Props = {
  peers: readonly PeerInfo[];
  /** The filter the list is shown with ('' for none). */
  filter: string;
  maxPeers: number;
  selected: number;
  focused: boolean;
  width: number;
  height: number;
};

/** Peer List: one row per neighbour's peer id. */
export const PeersPane = memo(function PeersPane({
  peers,
  filter,
  maxPeers,
  selected,
  focused,
  width,
  height,
}: Props) {
  const rows = Math.max(height - 2, 0);
  const {start, end} = useScrollWindow(peers.length, selected, rows);
  return (
    <Pane
      title="Peer List"
      detail={[
        `${peers.length}/${maxPeers === 0 ? '∞' : maxPeers}`,
        filter && `/${filter}`,
      ]
        .filter(Boolean)
        .join(' · ')}
      width={width}
      height={height}
      focused={focused}
    >
      {peers.length === 0 ? (
        // Wrapped, not cut: the hint must be read whole in a narrow pane.
        <Text dimColor wrap="wrap">
          {filter
            ? 'no peer matches: / changes the filter'
            : "no peers yet: b joins the network through a peer's host:port"}
        </Text>
      ) : null}
      {peers.slice(start, end).map((peer, offset) => {
        const isSelected = start + offset === selected;
        return (
          <Box
            key={peer.id}
            height={1}
            backgroundColor={isSelected && focused ? 'blue' : undefined}
          >
            <Text bold={isSelected}>
              {fitWidth(
                `${isSelected ? (focused ? '›' : '·') : ' '} ${peer.id}`,
                width - 2,
              )}
            </Text>
          </Box>
        );
      })}
    </Pane>
  );
});
