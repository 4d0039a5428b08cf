import {Box, Text} from 'ink';
import type {LogLevel} from '../../node/types.js';
import {formatClock} from '../model/format-clock.js';
import type {WrappedLine} from '../model/log-lines.js';
import {padWidth} from '../model/text-width.js';
import {LEVEL_COLOR} from './LogPane.js';
import {Pane} from './Pane.js';

type Props = {
  /** The lines in view, oldest first. */
  lines: readonly WrappedLine[];
  level: LogLevel;
  /** Lines below the view (0: the newest is shown, and new lines follow). */
  fromEnd: number;
  total: number;
  width: number;
  height: number;
};

/** Time and level before the message: "12:00:00 warn  ". */
export const LOG_PREFIX_WIDTH = 15;

/** The whole log, full screen: wrapped, scrollable, from a level up. */
export function LogView({lines, level, fromEnd, total, width, height}: Props) {
  const position = fromEnd === 0 ? 'newest, following' : `${fromEnd} newer line(s) below`;
  return (
    <Pane
      title="Log"
      detail={`${level} and up · ${total} line(s) · ${position} · v level · Esc closes`}
      width={width}
      height={height}
      focused
    >
      {lines.map((line, index) => (
        <Box key={index} height={1}>
          {line.first ? (
            <Text>
              <Text dimColor>{formatClock(line.entry.time)} </Text>
              <Text color={LEVEL_COLOR[line.entry.level]}>
                {line.entry.level.padEnd(5)}{' '}
              </Text>
            </Text>
          ) : (
            <Text>{' '.repeat(LOG_PREFIX_WIDTH)}</Text>
          )}
          <Text color={line.entry.level === 'error' ? 'red' : undefined}>
            {padWidth(line.text, width - 2 - LOG_PREFIX_WIDTH)}
          </Text>
        </Box>
      ))}
    </Pane>
  );
}
