import {Box, Text} from 'ink';
import {
  bindingKeysText,
  bindingsIn,
  isAvailable,
  SECTIONS,
  type Binding,
  type KeyContext,
} from '../model/key-table.js';
import {Pane} from './Pane.js';

type Props = {
  /** What works in the browsing context the help was opened from. */
  context: KeyContext;
  width: number;
  height: number;
};

type Line = {kind: 'section'; text: string} | {kind: 'binding'; binding: Binding};

const KEYS_WIDTH = 24;

/** Every key from the key table; the ones that do not work here are dimmed. */
export function HelpOverlay({context, width, height}: Props) {
  const rows = Math.max(height - 2, 1);
  const lines = helpLines(rows);
  const footer = lines.length < rows;
  const perColumn = footer ? rows - 1 : rows;
  const columns = Math.ceil(lines.length / perColumn);
  const columnWidth = Math.floor((width - 2) / columns);
  return (
    <Pane title="Help" detail="Esc or ? closes" width={width} height={height} focused>
      <Box flexDirection="row" height={perColumn}>
        {Array.from({length: columns}, (_, column) => (
          <Box key={column} flexDirection="column" width={columnWidth}>
            {lines
              .slice(column * perColumn, (column + 1) * perColumn)
              .map((line, index) =>
                line.kind === 'section' ? (
                  <Text key={index} bold underline wrap="truncate-end">
                    {line.text}
                  </Text>
                ) : (
                  <HelpLine
                    key={index}
                    binding={line.binding}
                    active={isAvailable(line.binding, context)}
                    keysWidth={Math.min(KEYS_WIDTH, Math.floor(columnWidth / 3))}
                  />
                ),
              )}
          </Box>
        ))}
      </Box>
      {footer ? (
        <Text dimColor wrap="truncate-end">
          The key bar at the bottom always lists the keys that work in the focused pane.
        </Text>
      ) : null}
    </Pane>
  );
}

/** With section titles when there is room, else without, else in columns. */
function helpLines(rows: number): Line[] {
  const sectioned: Line[] = SECTIONS.flatMap((section) => [
    {kind: 'section' as const, text: section},
    ...bindingsIn(section).map((binding) => ({kind: 'binding' as const, binding})),
  ]);
  const plain = sectioned.filter((line) => line.kind === 'binding');
  if (sectioned.length <= rows || plain.length > rows) return sectioned;
  return plain;
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
