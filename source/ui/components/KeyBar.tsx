import {Box, Text} from 'ink';
import {BAR_GAP, fitBarItems} from '../model/fit-bar.js';
import type {KeyContext} from '../model/key-binding.js';
import {barItems} from '../model/key-lookup.js';

type Props = {context: KeyContext; width: number; status?: string};

/** The keys that work right now, from the key table; a status line while closing. */
export function KeyBar({context, width, status}: Props) {
  const items = barItems(context);
  const room = status ? Math.max(width - status.length - BAR_GAP, 0) : width;
  return (
    <Box height={1} width={width}>
      {status ? (
        <Text color="yellow">
          {status}
          {' '.repeat(BAR_GAP)}
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        {fitBarItems(items, room).map((item, index) => (
          <Text key={`${item.keys}-${item.label}`}>
            {index > 0 ? ' '.repeat(BAR_GAP) : ''}
            <Text bold color="cyan">
              {item.keys}
            </Text>{' '}
            {item.label}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
