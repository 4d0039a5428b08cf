import {Box, Text} from 'ink';
import {memo} from 'react';
import type {LogLevel} from '../../node/types.js';
import {formatClock} from '../model/format-clock.js';
import type {ShownEntry} from '../model/log-lines.js';
import {fitWidth} from '../model/text-width.js';
import {Pane} from './Pane.js';

type Props = {
  /** The lines that fit, oldest first, runs already summarised. */
  entries: readonly ShownEntry[];
  width: number;
  height: number;
};

export const LEVEL_COLOR: Record<LogLevel, string> = {
  debug: 'gray',
  info: 'green',
  warn: 'yellow',
  error: 'red',
};

/** Log: the newest lines, newest at the bottom; `l` shows them all in full. */
export const LogPane = memo(function LogPane({entries, width, height}: Props) {
  const messageWidth = Math.max(width - 2 - 15, 1);
  return (
    <Pane title="Log" detail="l reads it all" width={width} height={height}>
      {entries.map((entry, index) => (
        <Box key={index} height={1}>
          <Text dimColor>{formatClock(entry.time)} </Text>
          <Text color={LEVEL_COLOR[entry.level]}>{entry.level.padEnd(5)} </Text>
          <Text color={entry.level === 'error' ? 'red' : undefined}>
            {fitWidth(entry.message, messageWidth)}
          </Text>
        </Box>
      ))}
    </Pane>
  );
});
