import {Box, Text} from 'ink';
import {memo} from 'react';
import type {LogEntry, LogLevel} from '../../node/types.js';
import {formatClock} from '../model/format-clock.js';
import {Pane} from './Pane.js';

type Props = {
  /** The lines that fit, oldest first. */
  entries: readonly LogEntry[];
  width: number;
  height: number;
};

const LEVEL_COLOR: Record<LogLevel, string> = {
  debug: 'gray',
  info: 'green',
  warn: 'yellow',
  error: 'red',
};

/** Log: what the node, the app and this UI say, newest at the bottom. */
export const LogPane = memo(function LogPane({entries, width, height}: Props) {
  return (
    <Pane title="Log" width={width} height={height}>
      {entries.map((entry, index) => (
        <Box key={index} height={1}>
          <Text dimColor>{formatClock(entry.time)} </Text>
          <Text color={LEVEL_COLOR[entry.level]}>{entry.level.padEnd(5)} </Text>
          <Box flexGrow={1} flexShrink={1} flexBasis={0}>
            <Text color={entry.level === 'error' ? 'red' : undefined} wrap="truncate-end">
              {entry.message}
            </Text>
          </Box>
        </Box>
      ))}
    </Pane>
  );
});
