import {Box, Text} from 'ink';
import type {LineState} from '../model/line-editor.js';
import {textWidth} from '../model/text-width.js';
import type {PromptKind} from '../model/ui-state.js';
import {Pane} from './Pane.js';
import {TextField} from './TextField.js';

type Props = {
  prompt: PromptKind;
  line: LineState;
  error?: string;
  busy?: boolean;
  /** How far a busy submit got (a directory being added). */
  progress?: string | undefined;
  width: number;
  /** The screen row of the prompt's top border. */
  top: number;
};

export const PROMPT_HEIGHT = 4;

const TEXT: Record<PromptKind, {title: string; label: string; hint: string}> = {
  add: {
    title: 'Add a share',
    label: 'Path',
    hint: 'Enter shares the file, or every file under the directory · Esc cancels',
  },
  search: {
    title: 'Search the network',
    label: 'Search for',
    hint: 'Enter sends the query; matching names are marked * · Esc cancels',
  },
  rebuild: {
    title: 'Rebuild the peer list',
    label: 'Join through host:port',
    hint: 'Enter joins through that peer, 3 hops deep · Esc cancels',
  },
};

/** A one-line text prompt with its hint, or why the last try was refused. */
export function Prompt({prompt, line, error, busy, progress, width, top}: Props) {
  const text = TEXT[prompt];
  const label = `${text.label}: `;
  const labelWidth = textWidth(label);
  return (
    <Pane title={text.title} width={width} height={PROMPT_HEIGHT} focused>
      <Box height={1}>
        <Text bold>{label}</Text>
        <TextField
          line={line}
          width={Math.max(width - 2 - labelWidth, 1)}
          origin={{x: 1 + labelWidth, y: top + 1}}
          active={!busy}
        />
      </Box>
      <Box height={1}>
        {busy ? (
          <Text color="yellow" wrap="truncate-end">
            {progress ? `${progress} · Esc stops` : 'checking…'}
          </Text>
        ) : error ? (
          <Text color="red" wrap="truncate-end">
            {error}
          </Text>
        ) : (
          <Text dimColor wrap="truncate-end">
            {text.hint}
          </Text>
        )}
      </Box>
    </Pane>
  );
}
