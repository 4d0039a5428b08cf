import {Box, Text} from 'ink';
import {SECTIONS} from '../model/key-table.js';
import type {Binding, KeyContext} from '../model/key-binding.js';
import {bindingKeysText, bindingsIn, isAvailable} from '../model/key-lookup.js';
import {HEADER_COUNTERS} from './Header.js';
import {Pane} from './Pane.js';

type Props = {
  /** What works in the browsing context the help was opened from. */
  context: KeyContext;
  /** The first line shown. */
  offset: number;
  width: number;
  height: number;
};

type Line =
  | {kind: 'section'; text: string}
  | {kind: 'binding'; binding: Binding}
  | {kind: 'counter'; name: string; meaning: string};

const KEYS_WIDTH = 24;

/** Every key from the key table, grouped by pane; the ones that do not work here are dimmed. */
export function HelpOverlay({context, offset, width, height}: Props) {
  const rows = Math.max(height - 2, 1);
  const lines = helpLines();
  const start = Math.min(Math.max(offset, 0), Math.max(lines.length - rows, 0));
  const keysWidth = Math.min(KEYS_WIDTH, Math.floor((width - 2) / 3));
  const more =
    lines.length > rows
      ? ` · ↑↓ scroll (${start + 1}–${Math.min(start + rows, lines.length)} of ${lines.length})`
      : '';
  return (
    <Pane
      title="Help"
      detail={`Esc or ? closes${more}`}
      width={width}
      height={height}
      focused
    >
      {lines.slice(start, start + rows).map((line, index) =>
        line.kind === 'section' ? (
          <Text key={index} bold underline wrap="truncate-end">
            {line.text}
          </Text>
        ) : line.kind === 'counter' ? (
          <Box key={index} height={1}>
            <Box width={keysWidth} flexShrink={0}>
              <Text bold wrap="truncate-end">
                {line.name}
              </Text>
            </Box>
            <Text wrap="truncate-end">{line.meaning}</Text>
          </Box>
        ) : (
          <HelpLine
            key={index}
            binding={line.binding}
            active={isAvailable(line.binding, context)}
            keysWidth={keysWidth}
          />
        ),
      )}
    </Pane>
  );
}

/** How many lines the help has (the key actions scroll it). */
export function helpLineCount(): number {
  return helpLines().length;
}

/**
 * The header's counters, then the keys grouped by pane, each group under its
 * title, one column that scrolls.
 */
function helpLines(): Line[] {
  return [
    {kind: 'section', text: 'Header'},
    ...HEADER_COUNTERS.map(([name, meaning]) => ({
      kind: 'counter' as const,
      name,
      meaning,
    })),
    ...SECTIONS.flatMap((section) => [
      {kind: 'section' as const, text: section},
      ...bindingsIn(section).map((binding) => ({kind: 'binding' as const, binding})),
    ]),
  ];
}

function HelpLine({
  binding,
  active,
  keysWidth,
}: {
  binding: Binding;
  active: boolean;
  keysWidth: number;
}) {
  return (
    <Box height={1}>
      <Box width={keysWidth} flexShrink={0}>
        <Text bold color={active ? 'cyan' : 'gray'} wrap="truncate-end">
          {bindingKeysText(binding)}
        </Text>
      </Box>
      <Text dimColor={!active} wrap="truncate-end">
        {binding.description}
      </Text>
    </Box>
  );
}
