/**
 * What a key binding is, and the context that decides whether it works now
 * (mode, focus, selection): the shape of the key table (key-table.ts).
 */
export type Focus = 'files' | 'peers';

export type ModeKind =
  | 'browse'
  | 'prompt'
  | 'filter'
  | 'confirm'
  | 'pick'
  | 'help'
  | 'log'
  | 'leave'
  | 'closing';

export type KeyContext = {
  mode: ModeKind;
  focus: Focus;
  fileSelected: boolean;
  peerSelected: boolean;
  transferRunning: boolean;
  /** The node runs in its own process (docs/daemon.md): the UI can leave it running. */
  detachable?: boolean;
};

export type ActionName =
  | 'focus'
  | 'move'
  | 'add'
  | 'search'
  | 'filter'
  | 'sort'
  | 'reverse'
  | 'show'
  | 'log'
  | 'fetch'
  | 'cancel'
  | 'remove'
  | 'browse-peer'
  | 'rebuild'
  | 'refresh'
  | 'help'
  | 'quit'
  | 'submit'
  | 'close'
  | 'keep-filter'
  | 'clear-filter'
  | 'confirm'
  | 'reject'
  | 'choose'
  | 'pick'
  | 'scroll'
  | 'level'
  | 'detach'
  | 'keep-running'
  | 'stop-node';

/** Actions that open a text prompt of the same name. */
export const PROMPT_ACTIONS = ['add', 'search', 'rebuild'] as const;
export type PromptAction = (typeof PROMPT_ACTIONS)[number];

export type Section =
  'Available Files' | 'Peer List' | 'Everywhere' | 'Log view (l)' | 'Prompts and dialogs';

export type Binding = {
  action: ActionName;
  /** Key names as keyNames() reports them. */
  keys: readonly string[];
  /** One word for the key bar. */
  label: string;
  /** One line for the help overlay. */
  description: string;
  section: Section;
  modes: readonly ModeKind[];
  /** Further condition for the key to work (a row is selected, ...). */
  when?: (context: KeyContext) => boolean;
  /** Said in the log when the key is pressed where it does not work. */
  unavailable?: string;
  /** Key text in the key bar; null keeps the binding out of the bar (help only). */
  bar?: string | null;
};
