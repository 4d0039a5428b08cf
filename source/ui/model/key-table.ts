/**
 * Every key the UI answers to, as data: the key bar, the help overlay and the
 * input handler all read this table, so they cannot disagree.
 */
export type Focus = 'files' | 'peers';

export type ModeKind = 'browse' | 'prompt' | 'confirm' | 'pick' | 'help' | 'closing';

export type KeyContext = {
  mode: ModeKind;
  focus: Focus;
  fileSelected: boolean;
  peerSelected: boolean;
  transferRunning: boolean;
};

export type ActionName =
  | 'focus'
  | 'move'
  | 'add'
  | 'search'
  | 'fetch'
  | 'cancel'
  | 'remove'
  | 'rebuild'
  | 'refresh'
  | 'help'
  | 'quit'
  | 'submit'
  | 'close'
  | 'confirm'
  | 'reject'
  | 'choose'
  | 'pick';

/** Actions that open a text prompt of the same name. */
export const PROMPT_ACTIONS = ['add', 'search', 'rebuild'] as const;
export type PromptAction = (typeof PROMPT_ACTIONS)[number];

export type Section = 'Panes' | 'Files and peers' | 'Prompts and dialogs' | 'App';

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

const BROWSE: readonly ModeKind[] = ['browse'];
const DIALOGS: readonly ModeKind[] = ['prompt', 'confirm', 'pick'];

export const KEY_TABLE: readonly Binding[] = [
  {
    action: 'focus',
    keys: ['tab', 'shift-tab'],
    label: 'focus',
    description: 'Move focus between Available Files and Peer List',
    section: 'Panes',
    modes: BROWSE,
    bar: 'Tab',
  },
  {
    action: 'move',
    keys: ['up', 'down', 'pageup', 'pagedown', 'home', 'end'],
    label: 'move',
    description: 'Move the selection inside the focused pane',
    section: 'Panes',
    modes: BROWSE,
    bar: '↑↓',
  },
  {
    action: 'fetch',
    keys: ['f', 'enter'],
    label: 'fetch',
    description: 'Fetch the selected file into the download directory',
    section: 'Files and peers',
    modes: BROWSE,
    when: (context) => context.focus === 'files' && context.fileSelected,
    bar: 'f',
    unavailable: 'select a file in Available Files first (Tab moves the focus there)',
  },
  {
    action: 'remove',
    keys: ['d', 'delete'],
    label: 'remove',
    description: 'Remove the selected peer (sends QUIT), after y/n',
    section: 'Files and peers',
    modes: BROWSE,
    when: (context) => context.focus === 'peers' && context.peerSelected,
    bar: 'd',
    unavailable: 'select a peer in Peer List first (Tab moves the focus there)',
  },
  {
    action: 'add',
    keys: ['a'],
    label: 'add',
    description: 'Share a file, or all files under a directory',
    section: 'Files and peers',
    modes: BROWSE,
  },
  {
    action: 'search',
    keys: ['s', '/'],
    label: 'search',
    description: 'Search the network by part of a name; results get *',
    section: 'Files and peers',
    modes: BROWSE,
    bar: 's',
  },
  {
    action: 'cancel',
    keys: ['c'],
    label: 'cancel',
    description: 'Cancel the selected (else the newest) transfer',
    section: 'Files and peers',
    modes: BROWSE,
    when: (context) => context.transferRunning,
    unavailable: 'no transfer is running',
  },
  {
    action: 'rebuild',
    keys: ['b'],
    label: 'rebuild',
    description: 'Join the network again through host:port (3 hops)',
    section: 'Files and peers',
    modes: BROWSE,
  },
  {
    action: 'refresh',
    keys: ['r', 'ctrl-l'],
    label: 'refresh',
    description: 'Check that the peers are alive now; redraw',
    section: 'App',
    modes: BROWSE,
    bar: 'r',
  },
  {
    action: 'help',
    keys: ['?'],
    label: 'help',
    description: 'Show or hide this help',
    section: 'App',
    modes: ['browse', 'help'],
  },
  {
    action: 'quit',
    keys: ['q', 'ctrl-c'],
    label: 'quit',
    description: 'Quit: send QUIT to the peers, close, restore',
    section: 'App',
    modes: ['browse', 'help'],
    bar: 'q',
  },
  {
    action: 'submit',
    keys: ['enter'],
    label: 'ok',
    description: 'Submit the prompt',
    section: 'Prompts and dialogs',
    modes: ['prompt'],
  },
  {
    action: 'choose',
    keys: ['up', 'down'],
    label: 'choose',
    description: 'Choose a source in the list',
    section: 'Prompts and dialogs',
    modes: ['pick'],
    bar: '↑↓',
  },
  {
    action: 'pick',
    keys: ['enter'],
    label: 'fetch',
    description: 'Fetch from the chosen source',
    section: 'Prompts and dialogs',
    modes: ['pick'],
  },
  {
    action: 'confirm',
    keys: ['y'],
    label: 'yes',
    description: 'Confirm',
    section: 'Prompts and dialogs',
    modes: ['confirm'],
  },
  {
    action: 'reject',
    keys: ['n', 'escape'],
    label: 'no',
    description: 'Decline',
    section: 'Prompts and dialogs',
    modes: ['confirm'],
  },
  {
    action: 'close',
    keys: ['escape'],
    label: 'close',
    description: 'Close the prompt, list or help',
    section: 'Prompts and dialogs',
    modes: ['prompt', 'pick', 'help'],
  },
  {
    action: 'quit',
    keys: ['ctrl-c'],
    label: 'quit',
    description: 'Quit from any prompt or dialog',
    section: 'Prompts and dialogs',
    modes: [...DIALOGS, 'closing'],
  },
];

const KEY_TEXT: Record<string, string> = {
  up: '↑',
  down: '↓',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  tab: 'Tab',
  'shift-tab': 'Shift-Tab',
  enter: 'Enter',
  escape: 'Esc',
  delete: 'Del',
  'ctrl-c': 'Ctrl-C',
  'ctrl-l': 'Ctrl-L',
};

export function keyText(name: string): string {
  return KEY_TEXT[name] ?? name;
}

/** All of a binding's keys, as the help overlay shows them. */
export function bindingKeysText(binding: Binding): string {
  return binding.keys.map(keyText).join(' ');
}

export function isAvailable(binding: Binding, context: KeyContext): boolean {
  return binding.modes.includes(context.mode) && (binding.when?.(context) ?? true);
}

export type KeyMatch =
  | {kind: 'action'; binding: Binding}
  | {kind: 'unavailable'; binding: Binding}
  | {kind: 'unbound'};

/** What a key does in this context. */
export function matchKey(name: string, context: KeyContext): KeyMatch {
  let unavailable: Binding | undefined;
  for (const binding of KEY_TABLE) {
    if (!binding.keys.includes(name) || !binding.modes.includes(context.mode)) continue;
    if (!isAvailable(binding, context)) {
      unavailable ??= binding;
      continue;
    }
    return {kind: 'action', binding};
  }
  return unavailable ? {kind: 'unavailable', binding: unavailable} : {kind: 'unbound'};
}

export type BarItem = {keys: string; label: string};

/** The key bar: every binding that works right now, in table order. */
export function barItems(context: KeyContext): BarItem[] {
  return KEY_TABLE.filter(
    (binding) => binding.bar !== null && isAvailable(binding, context),
  ).map((binding) => ({
    keys: binding.bar ?? binding.keys.map(keyText).join('/'),
    label: binding.label,
  }));
}

export const SECTIONS: readonly Section[] = [
  'Panes',
  'Files and peers',
  'App',
  'Prompts and dialogs',
];

export function bindingsIn(section: Section): Binding[] {
  return KEY_TABLE.filter((binding) => binding.section === section);
}
