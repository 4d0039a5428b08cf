import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import {useEffect} from 'react';
import type {PromptKind} from '../model/ui-state.js';
import {Pane} from './Pane.js';

type Props = {
  prompt: PromptKind;
  value: string;
  error?: string;
  busy?: boolean;
  /** Changes when text was put in from outside, so the cursor lands at its end. */
  revision: number;
  width: number;
  onChange: (value: string) => void;
  /** Told once the text input listens to keys (its effect runs before ours). */
  onListening: (revision: number) => void;
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
export function Prompt({
  prompt,
  value,
  error,
  busy,
  revision,
  width,
  onChange,
  onListening,
}: Props) {
  const text = TEXT[prompt];
  useEffect(() => onListening(revision), [onListening, revision]);
  return (
    <Pane title={text.title} width={width} height={PROMPT_HEIGHT} focused>
      <Box height={1}>
        <Text bold>{text.label}: </Text>
        <TextInput key={revision} value={value} onChange={onChange} focus={!busy} />
      </Box>
      <Box height={1}>
        {busy ? (
          <Text color="yellow">checking…</Text>
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
