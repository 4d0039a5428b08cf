/**
 * Issue 10 where the terminal matters, in a real tmux: keys that arrive in
 * one burst edit the prompt exactly (#1), NO_COLOR and FORCE_COLOR=0 draw
 * without colour while the focused pane still shows (#5), and a resize leaves
 * no stale cells. The built CLI runs alone on loopback, no peers needed.
 */
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import stringWidth from 'string-width';
import {tempRuntimeDir} from '../daemon/daemon-kit.js';
import {CLI_PATH as CLI} from '../support/cli-process.js';
import {frameScreen, shellQuote, TmuxSession, tmuxAvailable} from './tmux.js';

const skip = tmuxAvailable() ? false : 'tmux is not installed (apt-get install tmux)';
const EXITED = 'UI-EXITED';
const RUNNING = {failIf: EXITED};

/** Starts the UI alone in a private tmux; killed (and its files removed) after the test. */
async function startUi(
  t: TestContext,
  {
    width = 100,
    height = 30,
    env = {},
  }: {width?: number; height?: number; env?: Record<string, string>} = {},
): Promise<TmuxSession> {
  assert.ok(existsSync(CLI), `${CLI} is missing; run npm run build first`);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'filer-e2e-term-'));
  // The UI's node runs detached: its socket, log and state stay in the test's
  // own directory, and whatever still runs there is stopped after the test.
  const runtime = await tempRuntimeDir(t);
  const tmux = new TmuxSession(
    `filer-e2e-term-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  t.after(async () => {
    await tmux.kill();
    await fs.rm(tmp, {recursive: true, force: true});
  });
  const ui = [
    process.execPath,
    CLI,
    '0',
    '5',
    '--host',
    '127.0.0.1',
    '--bind',
    '127.0.0.1',
  ]
    .map(shellQuote)
    .join(' ');
  // Ink prints nothing until exit when it thinks it runs in CI.
  await tmux.start(
    `env -u CI -u CONTINUOUS_INTEGRATION ${ui}; echo ${EXITED}; sleep 60`,
    {
      width,
      height,
      cwd: tmp,
      env: {XDG_RUNTIME_DIR: runtime, XDG_STATE_HOME: runtime, ...env},
    },
  );
  // The App's own frame, not the plain one drawn while Ink loads.
  await tmux.waitForScreen('no peers yet', 'the UI', RUNNING);
  return tmux;
}

async function cursorColumn(tmux: TmuxSession): Promise<number> {
  return Number(
    (await tmux.tmux('display-message', '-p', '-t', tmux.target, '#{cursor_x}')).trim(),
  );
}

/** The text in the search field, trailing spaces and the border cut off. */
function searchField(screen: string): string | undefined {
  const line = screen.split('\n').find((row) => row.includes('Search for: '));
  return line?.split('Search for: ')[1]?.replace(/\s*[│║]\s*$/u, '');
}

test(
  'keys sent in one burst each edit the prompt, in order',
  {skip, timeout: 60_000},
  async (t) => {
    const tmux = await startUi(t);
    await tmux.sendKeys('s');
    await tmux.waitForScreen('Search for:', 'the search prompt', RUNNING);
    await tmux.type('abcdef');
    await tmux.waitForScreen(
      (screen) => searchField(screen) === 'abcdef',
      'abcdef',
      RUNNING,
    );
    // One send-keys: the three DEL bytes reach the program together.
    await tmux.sendKeys('BSpace', 'BSpace', 'BSpace');
    const screen = await tmux.waitForScreen(
      (text) => searchField(text) === 'abc',
      'abc after three Backspaces',
      RUNNING,
    );
    const width = Math.max(...screen.split('\n').map((line) => stringWidth(line)));
    assert.equal(width, 100, `no line too short or too long:\n${frameScreen(screen)}`);
    await tmux.sendKeys('Left', 'Left', 'X');
    await tmux.waitForScreen(
      (text) => searchField(text) === 'aXbc',
      'X two to the left',
      RUNNING,
    );
    // The terminal's cursor stands after the X: border, label, 'aX'.
    assert.equal(await cursorColumn(tmux), 1 + 'Search for: '.length + 2);
    await tmux.sendKeys('C-e', ' ', 'w', 'o', 'r', 'd', 'C-w', 'C-a', '>', 'C-e', '<');
    await tmux.waitForScreen(
      (text) => searchField(text) === '>aXbc <',
      'Ctrl-W, Ctrl-A, Ctrl-E',
      RUNNING,
    );
    await tmux.sendKeys('C-u');
    await tmux.waitForScreen(
      (text) => searchField(text) === '',
      'Ctrl-U emptied it',
      RUNNING,
    );
    await tmux.type('日本');
    await tmux.waitForScreen(
      (text) => searchField(text) === '日本',
      'wide characters',
      RUNNING,
    );
    assert.equal(
      await cursorColumn(tmux),
      1 + 'Search for: '.length + 4,
      'two columns each',
    );
  },
);

/** SGR sequences that set a colour (30–37, 38;…, 40–47, 48;…, 90–97, 100–107). */
const COLOUR_SGR = /\u001B\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/u;

const NO_COLOUR_ENVS: Array<Record<string, string>> = [
  {NO_COLOR: '1'},
  {FORCE_COLOR: '0'},
];
for (const env of NO_COLOUR_ENVS) {
  const name = Object.entries(env)[0]?.join('=') ?? '';
  test(
    `${name}: no colour at all, and the focused pane still shows`,
    {skip, timeout: 60_000},
    async (t) => {
      const tmux = await startUi(t, {env});
      const styled = await tmux.captureStyled();
      assert.doesNotMatch(styled, COLOUR_SGR, `a colour in:\n${JSON.stringify(styled)}`);
      const screen = await tmux.capture();
      assert.match(screen, /╔═ ▶ Available Files/u, 'Files has the focus mark');
      assert.match(screen, /╭─ Peer List/u);
      await tmux.sendKeys('Tab');
      await tmux.waitForScreen(
        (text) => /╭─ Available Files/u.test(text) && /╔═ ▶ Peer List/u.test(text),
        'the mark moved to Peer List',
        RUNNING,
      );
    },
  );
}

test(
  'with colour allowed the panes are coloured (the check above can fail)',
  {skip, timeout: 60_000},
  async (t) => {
    const tmux = await startUi(t, {env: {FORCE_COLOR: '1'}});
    assert.match(await tmux.captureStyled(), COLOUR_SGR);
  },
);

test(
  'a resize redraws the whole frame at the new size, no stale cells',
  {skip, timeout: 60_000},
  async (t) => {
    const tmux = await startUi(t, {width: 120, height: 40});
    for (const [width, height] of [
      [60, 15],
      [59, 14],
      [80, 24],
      [120, 40],
    ] as const) {
      await tmux.tmux(
        'resize-window',
        '-t',
        tmux.name,
        '-x',
        String(width),
        '-y',
        String(height),
      );
      const small = width < 60 || height < 15;
      const screen = await tmux.waitForScreen(
        (text) => {
          const lines = text.replace(/\n+$/u, '').split('\n');
          if (small)
            return (
              lines.length === 1 && lines[0]?.startsWith('terminal too small') === true
            );
          return (
            lines.length === height - 1 &&
            // Box lines fill the width exactly; the header and key bar may end early.
            lines.every((line) =>
              /^[│║╭╔╰╚]/u.test(line)
                ? stringWidth(line) === width
                : stringWidth(line) <= width,
            )
          );
        },
        `a clean frame at ${width}x${height}`,
        RUNNING,
      );
      assert.ok(screen.length > 0);
    }
  },
);
