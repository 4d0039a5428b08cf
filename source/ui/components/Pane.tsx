import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {fitWidth, textWidth} from '../model/text-width.js';

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

/** Where a pane's top border is drawn by hand; the other three sides are Ink's. */
const EDGES = {
  focused: {left: '╔═', fill: '═', right: '╗', style: 'double', marker: '▶ '},
  plain: {left: '╭─', fill: '─', right: '╮', style: 'round', marker: ''},
} as const;

/**
 * A bordered box with its title on the top border. The focused pane has a
 * double border and a ▶ before its title, so it shows without colour
 * (NO_COLOR) too; with colour it is also cyan.
 */
export function Pane({title, detail, width, height, focused = false, children}: Props) {
  const color = focused ? 'cyan' : 'gray';
  const edges = focused ? EDGES.focused : EDGES.plain;
  // Corners and the dash before the title take 3 columns, a space after it 1;
  // the detail gives way first, then the title. Measured in columns: a CJK
  // search key in the detail must not push the corner out.
  const room = Math.max(width - 4, 0);
  const titleText = fitWidth(` ${edges.marker}${title}`, room);
  const detailText = detail ? fitWidth(` · ${detail}`, room - textWidth(titleText)) : '';
  const fill = Math.max(room - textWidth(titleText) - textWidth(detailText), 0);
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Box width={width} height={1}>
        <Text color={color} wrap="truncate">
          {edges.left}
          <Text bold color={focused ? 'cyan' : undefined}>
            {titleText}
          </Text>
          <Text color="gray">{detailText}</Text> {edges.fill.repeat(fill)}
          {edges.right}
        </Text>
      </Box>
      <Box
        flexDirection="column"
        width={width}
        height={height - 1}
        borderStyle={edges.style}
        borderTop={false}
        borderColor={color}
      >
        {children}
      </Box>
    </Box>
  );
}
