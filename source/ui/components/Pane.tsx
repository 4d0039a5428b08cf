import {Box, Text} from 'ink';
import type {ReactNode} from 'react';

type Props = {
  title: string;
  /** Shown after the title on the top border, dimmer. */
  detail?: string;
  width: number;
  /** Borders included. */
  height: number;
  focused?: boolean;
  children?: ReactNode;
};

/** A bordered box with its title on the top border; the focused one is coloured. */
export function Pane({title, detail, width, height, focused = false, children}: Props) {
  const color = focused ? 'cyan' : 'gray';
  // Corners and the dash before the title take 3 columns; the title gives way first.
  const room = Math.max(width - 4, 0);
  const titleText = ` ${title}`.slice(0, room);
  const detailText = detail ? ` · ${detail}`.slice(0, room - titleText.length) : '';
  const fill = Math.max(room - titleText.length - detailText.length, 0);
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Box width={width} height={1}>
        <Text color={color} wrap="truncate">
          ╭─
          <Text bold color={focused ? 'cyan' : undefined}>
            {titleText}
          </Text>
          <Text color="gray">{detailText}</Text> {'─'.repeat(fill)}╮
        </Text>
      </Box>
      <Box
        flexDirection="column"
        width={width}
        height={height - 1}
        borderStyle="round"
        borderTop={false}
        borderColor={color}
      >
        {children}
      </Box>
    </Box>
  );
}
