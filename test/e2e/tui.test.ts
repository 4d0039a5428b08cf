/**
 * End to end in a real terminal: the built CLI runs inside a private tmux
 * server at 100×30, joins two headless peers on loopback, and the test types
 * keys and reads the screen as a user would: search, fetch, quit.
 */
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import {existsSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {CLI_PATH as CLI, startHeadless, type CliProcess} from '../support/cli-process.js';
import {tempRuntimeDir} from '../daemon/daemon-kit.js';
import {eventually} from '../support/eventually.js';
import {frameScreen, shellQuote, TmuxSession, tmuxAvailable} from './tmux.js';

const WIDTH = 100;
const HEIGHT = 30;
/** Printed by the pane's shell once the UI exited; then it waits for a line. */
const AFTER_EXIT = 'AFTER-EXIT>';

/** Screen waits while the UI should run give up at once if it already exited. */
const RUNNING = {failIf: AFTER_EXIT};

const skip = tmuxAvailable() ? false : 'tmux is not installed (apt-get install tmux)';

test(
  'the TUI in tmux joins, searches, fetches and quits cleanly',
  {skip, timeout: 60_000},
  async (t) => {
    assert.ok(existsSync(CLI), `${CLI} is missing; run npm run build first`);
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'filer-e2e-'));
    // The UI's node runs detached: its socket, log and state stay in the
    // test's own directory, and whatever still runs there is stopped after it.
    const runtime = await tempRuntimeDir(t);
    const dirs = {
      share: path.join(tmp, 'share'),
      peers: path.join(tmp, 'peers'),
      downloads: path.join(tmp, 'downloads'),
    };
    for (const dir of Object.values(dirs)) await fs.mkdir(dir);
    const tag = randomBytes(4).toString('hex');
    const fileName = `e2e-${tag}.bin`;
    const content = randomBytes(192 * 1024 + 17);
    await fs.writeFile(path.join(dirs.share, fileName), content);
    const exitFile = path.join(tmp, 'exit-code');
    const sttyFile = path.join(tmp, 'stty.txt');

    const peers: CliProcess[] = [];
    const tmux = new TmuxSession(`filer-e2e-${process.pid}`);
    let passed = false;
    try {
      // Peer 1 is the contact; peer 2 joins it and shares the file, so the
      // UI's search has to be forwarded once before it is answered.
      const peer1 = startHeadless(t, ['0', '5', '--download-dir', dirs.peers], {
        cwd: dirs.peers,
      });
      peers.push(peer1);
      const peer1Id = await peer1.waitForListening();
      const peer2 = startHeadless(
        t,
        [
          '0',
          '5',
          peer1Id,
          '--download-dir',
          dirs.peers,
          '--share',
          path.join(dirs.share, fileName),
        ],
        {cwd: dirs.peers},
      );
      peers.push(peer2);
      const peer2Id = await peer2.waitForListening();
      // Peer 2 joined peer 1.
      await peer1.waitForRecord(
        (record) => record.event === 'peer-added' && peerId(record) === peer2Id,
      );

      const ui = [
        process.execPath,
        CLI,
        '0',
        '5',
        peer1Id,
        '--host',
        '127.0.0.1',
        '--bind',
        '127.0.0.1',
        '--download-dir',
        dirs.downloads,
      ]
        .map(shellQuote)
        .join(' ');
      // After the UI exits, the same terminal must still work: the shell
      // records the exit code and the tty modes, then reads a line in
      // canonical mode (which only works if the UI restored the terminal).
      const command = [
        // Ink prints nothing until exit when it thinks it runs in CI.
        `env -u CI -u CONTINUOUS_INTEGRATION ${ui}`,
        `echo "EXIT:$?" > ${shellQuote(exitFile)}`,
        `stty -a > ${shellQuote(sttyFile)} 2>&1`,
        `printf '\\n%s ' ${shellQuote(AFTER_EXIT)}`,
        'read line',
        'echo "got:[$line]"',
      ].join('; ');
      await tmux.start(command, {
        width: WIDTH,
        height: HEIGHT,
        cwd: tmp,
        env: {XDG_RUNTIME_DIR: runtime, XDG_STATE_HOME: runtime},
      });
      assert.deepEqual(await tmux.size(), {width: WIDTH, height: HEIGHT});

      // 1. The UI is up and lists both peers (it joined through peer 1, 2 hops).
      await tmux.waitForScreen(
        (screen) =>
          screen.includes('Available Files') &&
          screen.includes('Peer List') &&
          screen.includes(peer1Id) &&
          screen.includes(peer2Id),
        `the Available Files and Peer List panes listing ${peer1Id} and ${peer2Id}`,
        RUNNING,
      );
      // The UI node joined peer 1.
      const uiPeer = await peer1.waitForRecord(
        (record) => record.event === 'peer-added' && peerId(record) !== peer2Id,
      );
      const uiId = peerId(uiPeer);

      // 2. Search: `s`, type the key, Enter; the result shows in Available Files.
      await tmux.sendKeys('s');
      await tmux.waitForScreen('Search for:', 'the search prompt', RUNNING);
      await tmux.type(tag);
      await tmux.waitForScreen(
        `Search for: ${tag}`,
        'the typed key in the prompt',
        RUNNING,
      );
      await tmux.sendKeys('Enter');
      await tmux.waitForScreen(
        (screen) => filesPane(screen).includes(fileName),
        `${fileName} in Available Files`,
        RUNNING,
      );

      // 3. Fetch the selected (only) row with `f`; the file arrives byte-identical.
      await tmux.sendKeys('f');
      const downloaded = path.join(dirs.downloads, fileName);
      await eventually(async () => {
        const bytes = await fs.readFile(downloaded).catch(() => undefined);
        return bytes?.equals(content) ? true : undefined;
      }, `${downloaded} to arrive with the shared bytes`).catch(
        async (error: unknown) => {
          throw new Error(`${String(error)}\n${frameScreen(await tmux.capture())}`);
        },
      );
      // Once done, the row is a local file and the log says so.
      await tmux.waitForScreen(
        (screen) =>
          /local/.test(rowOf(filesPane(screen), fileName)) &&
          screen.includes(`fetched ${fileName}`),
        `${fileName} marked local and the "fetched" log line`,
        RUNNING,
      );
      // Nothing but the finished file is left in the download directory.
      assert.deepEqual(await fs.readdir(dirs.downloads), [fileName]);

      // FILER_E2E_SHOW_SCREEN=1 prints the screen after the fetch, for a look.
      if (process.env.FILER_E2E_SHOW_SCREEN) {
        t.diagnostic(`screen after the fetch:\n${frameScreen(await tmux.capture())}`);
      }

      // 4. Quit with `q`: exit code 0, peers told with QUIT, terminal restored.
      await tmux.sendKeys('q');
      const exitLine = await eventually(async () => {
        const text = await fs.readFile(exitFile, 'utf8').catch(() => '');
        return text.includes('EXIT:') ? text.trim() : undefined;
      }, 'the UI to exit after q').catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${frameScreen(await tmux.capture())}`);
      });
      const afterExit = await tmux.waitForScreen(AFTER_EXIT, 'the shell after the UI');
      assert.equal(
        exitLine,
        'EXIT:0',
        `UI exit status; screen:\n${frameScreen(afterExit)}`,
      );
      // Peer 1 got QUIT from the UI node.
      await peer1.waitForRecord(
        (record) =>
          record.event === 'peer-removed' &&
          peerId(record) === uiId &&
          record.reason === 'quit',
      );

      const flags = await tmux.tmux(
        'display-message',
        '-p',
        '-t',
        tmux.target,
        '#{alternate_on} #{cursor_flag}',
      );
      assert.equal(flags.trim(), '0 1', 'left the alternate screen, cursor visible');
      const stty = await fs.readFile(sttyFile, 'utf8');
      assert.match(stty, /(^|\s)icanon(\s|$)/, `canonical mode restored:\n${stty}`);
      assert.match(stty, /(^|\s)echo(\s|$)/, `echo restored:\n${stty}`);
      // A line typed now is echoed by the tty and read by the shell.
      await tmux.type('still-usable');
      await tmux.sendKeys('Enter');
      const final = await tmux.waitForScreen(
        'got:[still-usable]',
        'the shell to read a line',
      );
      assert.match(final, new RegExp(`${AFTER_EXIT} still-usable`));
      passed = true;
    } finally {
      if (!passed) {
        const screen = await tmux.capture().catch(() => '(no screen)');
        console.error(`last screen:\n${frameScreen(screen)}`);
        for (const [index, peer] of peers.entries()) {
          console.error(`peer ${index + 1} output:\n${peer.tail()}`);
        }
      }
      await tmux.kill();
      await Promise.all(peers.map((peer) => peer.stop()));
      await fs.rm(tmp, {recursive: true, force: true});
    }
  },
);

function peerId(record: Record<string, unknown>): string {
  const peer = record.peer;
  return typeof peer === 'object' && peer !== null && 'id' in peer ? String(peer.id) : '';
}

/**
 * The Available Files pane: from its title line to its bottom border, and
 * only the columns left of the Peer List pane beside it.
 */
function filesPane(screen: string): string {
  const lines = screen.split('\n');
  const top = lines.findIndex((line) => line.includes('Available Files'));
  if (top === -1) return '';
  const title = lines[top] as string;
  const peersTitle = title.indexOf('Peer List');
  const right = peersTitle === -1 ? title.length : title.lastIndexOf('╭', peersTitle);
  const bottom = lines.findIndex((line, index) => index > top && /^[╰╚]/u.test(line));
  return lines
    .slice(top, bottom === -1 ? undefined : bottom + 1)
    .map((line) => line.slice(0, right))
    .join('\n');
}

function rowOf(text: string, name: string): string {
  return text.split('\n').find((line) => line.includes(name)) ?? '';
}
