/**
 * Every key the UI answers to, as data: the key bar, the help overlay and the
 * input handler all read this table, so they cannot disagree.
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

const BROWSE: readonly ModeKind[] = ['browse'];
const DIALOGS: readonly ModeKind[] = ['prompt', 'filter', 'confirm', 'pick', 'leave'];
const NOT_DETACHABLE = 'this node runs inside the UI (--in-process): it ends with the UI';
const detachable = (context: KeyContext): boolean => context.detachable === true;
const inFiles = (context: KeyContext): boolean => context.focus === 'files';
const FILES_ONLY = 'this works in Available Files (Tab moves the focus there)';

/** Moving keys, with their vi names, as the selection and the log view read them. */
export const MOVE_KEYS = [
  'up',
  'down',
  'pageup',
  'pagedown',
  'home',
  'end',
  'k',
  'j',
  'g',
  'G',
] as const;

export const KEY_TABLE: readonly Binding[] = [
  {
    action: 'focus',
    keys: ['tab', 'shift-tab'],
    label: 'focus',
    description: 'Move focus between Available Files and Peer List',
    section: 'Everywhere',
    modes: BROWSE,
    bar: 'Tab',
  },
  {
    action: 'move',
    keys: MOVE_KEYS,
    label: 'move',
    description: 'Move the selection (j k down/up, g G first/last)',
    section: 'Everywhere',
    modes: BROWSE,
    bar: '↑↓',
  },
  {
    action: 'fetch',
    keys: ['f', 'enter'],
    label: 'fetch',
    description: 'Fetch the selected file into the download folder',
    section: 'Available Files',
    modes: BROWSE,
    when: (context) => inFiles(context) && context.fileSelected,
    bar: 'f',
    unavailable: 'select a file in Available Files first (Tab moves the focus there)',
  },
  {
    action: 'cancel',
    keys: ['c'],
    label: 'cancel',
    description: 'Cancel the selected (else the newest) transfer; a big one asks first',
    section: 'Available Files',
    modes: BROWSE,
    when: (context) => context.transferRunning,
    unavailable: 'no transfer is running',
  },
  {
    action: 'add',
    keys: ['a'],
    label: 'add',
    description: 'Share a file, or all files under a directory',
    section: 'Everywhere',
    modes: BROWSE,
  },
  {
    action: 'search',
    keys: ['s'],
    label: 'search',
    description: 'Search the network by part of a name; results get *',
    section: 'Everywhere',
    modes: BROWSE,
  },
  {
    action: 'remove',
    keys: ['d', 'delete'],
    label: 'remove',
    description: 'Remove the selected peer (sends QUIT), after y/n',
    section: 'Peer List',
    modes: BROWSE,
    when: (context) => context.focus === 'peers' && context.peerSelected,
    bar: 'd',
    unavailable: 'select a peer in Peer List first (Tab moves the focus there)',
  },
  {
    action: 'browse-peer',
    keys: ['e', 'enter'],
    label: 'browse',
    description: 'List every file the selected peer shares (filer-tui peers)',
    section: 'Peer List',
    modes: BROWSE,
    when: (context) => context.focus === 'peers' && context.peerSelected,
    bar: 'e',
    unavailable: 'select a peer in Peer List first (Tab moves the focus there)',
  },
  {
    action: 'rebuild',
    keys: ['b'],
    label: 'rebuild',
    description: 'Join the network again through host:port (3 hops)',
    section: 'Peer List',
    modes: BROWSE,
  },
  {
    action: 'filter',
    keys: ['/'],
    label: 'filter',
    description: 'Filter the focused list as you type; Enter keeps it, Esc clears it',
    section: 'Everywhere',
    modes: BROWSE,
  },
  {
    action: 'sort',
    keys: ['o'],
    label: 'sort',
    description: 'Sort by arrival, name, size, owner in turn',
    section: 'Available Files',
    modes: BROWSE,
    when: inFiles,
    unavailable: FILES_ONLY,
  },
  {
    action: 'reverse',
    keys: ['O'],
    label: 'reverse',
    description: 'Reverse the sort',
    section: 'Available Files',
    modes: BROWSE,
    when: inFiles,
    unavailable: FILES_ONLY,
    bar: null,
  },
  {
    action: 'show',
    keys: ['v'],
    label: 'show',
    description:
      'Show all files, only mine, only the network’s, only the latest search’s',
    section: 'Available Files',
    modes: BROWSE,
    when: inFiles,
    unavailable: FILES_ONLY,
  },
  {
    action: 'log',
    keys: ['l'],
    label: 'log',
    description: 'Read the whole log: scrolls, wraps, filters by level',
    section: 'Everywhere',
    modes: ['browse', 'log'],
  },
  {
    action: 'refresh',
    keys: ['r', 'ctrl-l'],
    label: 'refresh',
    description: 'Check that the peers are alive now; redraw',
    section: 'Everywhere',
    modes: BROWSE,
    bar: 'r',
  },
  {
    action: 'help',
    keys: ['?'],
    label: 'help',
    description: 'Show or hide this help',
    section: 'Everywhere',
    modes: ['browse', 'help'],
  },
  {
    action: 'quit',
    keys: ['q', 'ctrl-c'],
    label: 'quit',
    description: 'Quit (asks first while transfers run): QUIT to the peers, restore',
    section: 'Everywhere',
    modes: ['browse', 'help', 'log'],
    bar: 'q',
  },
  {
    action: 'detach',
    keys: ['D'],
    label: 'detach',
    description: 'Detach: close the UI, the node keeps running (filer-tui attach)',
    section: 'Everywhere',
    modes: BROWSE,
    when: detachable,
    unavailable: NOT_DETACHABLE,
  },
  {
    action: 'keep-running',
    keys: ['K'],
    label: 'keep running',
    description: 'Keep the node running when the terminal closes: on/off',
    section: 'Everywhere',
    modes: BROWSE,
    when: detachable,
    unavailable: NOT_DETACHABLE,
    bar: null,
  },
  {
    action: 'stop-node',
    keys: ['s', 'y'],
    label: 'stop node',
    description: 'Stop the node: QUIT to the peers, then close',
    section: 'Prompts and dialogs',
    modes: ['leave'],
  },
  {
    action: 'detach',
    keys: ['c', 'n', 'D'],
    label: 'close UI',
    description: 'Close only the UI; the node keeps running',
    section: 'Prompts and dialogs',
    modes: ['leave'],
  },
  {
    action: 'scroll',
    keys: MOVE_KEYS,
    label: 'scroll',
    description: 'Scroll the log or help (PgUp PgDn a page, Home/g, End/G the ends)',
    section: 'Log view (l)',
    modes: ['log', 'help'],
    bar: '↑↓',
  },
  {
    action: 'level',
    keys: ['v'],
    label: 'level',
    description: 'Show from debug, info, warn or error up, in turn',
    section: 'Log view (l)',
    modes: ['log'],
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
    action: 'keep-filter',
    keys: ['enter'],
    label: 'keep',
    description: 'Keep the filter',
    section: 'Prompts and dialogs',
    modes: ['filter'],
  },
  {
    action: 'clear-filter',
    keys: ['escape'],
    label: 'clear',
    description: 'Clear the filter',
    section: 'Prompts and dialogs',
    modes: ['filter'],
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
    description: 'Yes',
    section: 'Prompts and dialogs',
    modes: ['confirm'],
  },
  {
    action: 'reject',
    keys: ['n', 'escape'],
    label: 'no',
    description: 'No',
    section: 'Prompts and dialogs',
    modes: ['confirm'],
  },
  {
    action: 'close',
    keys: ['escape'],
    label: 'close',
    description: 'Close the prompt, list, log view or help',
    section: 'Prompts and dialogs',
    modes: ['prompt', 'pick', 'help', 'log', 'leave'],
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
  'Available Files',
  'Peer List',
  'Everywhere',
  'Log view (l)',
  'Prompts and dialogs',
];

export function bindingsIn(section: Section): Binding[] {
  return KEY_TABLE.filter((binding) => binding.section === section);
}
