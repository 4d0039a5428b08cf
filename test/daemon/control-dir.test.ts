/**
 * Only this user can reach a node's control socket: the directory is 0700
 * and this user's, the socket 0600; a directory others can enter, or that
 * belongs to someone else, is refused by node and client alike; another uid
 * (when the test runs as root and can be one) cannot connect; a stale
 * socket is replaced, a live one never.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {
  controlDirPath,
  ensureControlDir,
  listedPorts,
  socketPathFor,
} from '../../source/daemon/control-dir.js';
import {ControlClient} from '../../source/daemon/control-client.js';
import {ControlServer} from '../../source/daemon/control-server.js';
import {NodeAlreadyRunningError, removeIfStale} from '../../source/daemon/socket-file.js';
import {FakeSession} from '../support/fake-session.js';
import {serve, tempRuntimeDir} from './daemon-kit.js';

const NOBODY = 65_534;
const isRoot = process.getuid?.() === 0;

test('the control directory comes from XDG_RUNTIME_DIR, else the state directory', () => {
  assert.equal(controlDirPath({XDG_RUNTIME_DIR: '/run/user/7'}), '/run/user/7/filer-tui');
  assert.equal(
    controlDirPath({XDG_RUNTIME_DIR: 'relative', XDG_STATE_HOME: '/s'}),
    '/s/filer-tui',
  );
  assert.match(controlDirPath({}), /\/\.local\/state\/filer-tui$/);
});

test('the directory is made 0700 and the socket 0600', async (t) => {
  const {controlDir, socketPath} = await serve(t, new FakeSession());
  assert.equal(fs.statSync(controlDir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(socketPath).mode & 0o777, 0o600);
  assert.deepEqual(listedPorts(controlDir), [9000]);
});

test('a directory others can enter is refused by the node and by clients', async (t) => {
  const runtime = await tempRuntimeDir(t);
  const dir = path.join(runtime, 'filer-tui');
  fs.mkdirSync(dir, {mode: 0o755});
  fs.chmodSync(dir, 0o755);
  assert.throws(() => ensureControlDir(dir), /can be used by other users \(mode 755\)/);
  const server = new ControlServer({session: new FakeSession()});
  await assert.rejects(server.listen(socketPathFor(9000, dir)), {
    code: 'ERR_CONTROL_DIR',
  });
  await server.close();
  await assert.rejects(ControlClient.connect(socketPathFor(9000, dir)), {
    code: 'ERR_CONTROL_DIR',
  });
});

test('a symbolic link in place of the directory is refused', async (t) => {
  const runtime = await tempRuntimeDir(t);
  const target = path.join(runtime, 'elsewhere');
  fs.mkdirSync(target, {mode: 0o700});
  fs.symlinkSync(target, path.join(runtime, 'filer-tui'));
  assert.throws(() => ensureControlDir(path.join(runtime, 'filer-tui')), /symbolic link/);
});

test(
  'a directory of another user is refused',
  {skip: isRoot ? false : 'needs root to give a directory away'},
  async (t) => {
    const runtime = await tempRuntimeDir(t);
    const dir = path.join(runtime, 'filer-tui');
    fs.mkdirSync(dir, {mode: 0o700});
    fs.chownSync(dir, NOBODY, NOBODY);
    assert.throws(() => ensureControlDir(dir), /belongs to another user/);
  },
);

test(
  'another user cannot connect to the socket',
  {skip: isRoot ? false : 'needs root to run a client as another uid'},
  async (t) => {
    const {socketPath, controlDir} = await serve(t, new FakeSession());
    // The temp dir itself must let nobody through to the control directory.
    fs.chmodSync(path.dirname(controlDir), 0o755);
    const probe = `require('net').connect(${JSON.stringify(socketPath)})
      .on('connect', () => { console.log('connected'); process.exit(0); })
      .on('error', (e) => { console.log(e.code); process.exit(0); });`;
    const child = spawn(process.execPath, ['-e', probe], {uid: NOBODY, gid: NOBODY});
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise((resolve) => child.once('close', resolve));
    assert.equal(output.trim(), 'EACCES');
  },
);

test('a stale socket (its node killed) is replaced; a live one is not', async (t) => {
  const runtime = await tempRuntimeDir(t);
  const dir = ensureControlDir(path.join(runtime, 'filer-tui'));
  const socketPath = socketPathFor(9000, dir);
  // A process that listens and is killed leaves its socket file behind.
  const child = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  await new Promise((resolve) => child.once('close', resolve));
  assert.equal(fs.lstatSync(socketPath).isSocket(), true);
  await assert.rejects(ControlClient.connect(socketPath), {code: 'ERR_NO_NODE'});

  const server = new ControlServer({session: new FakeSession()});
  t.after(() => server.close());
  await server.listen(socketPath);
  const client = await ControlClient.connect(socketPath);
  client.close();

  const second = new ControlServer({session: new FakeSession()});
  await assert.rejects(second.listen(socketPath), NodeAlreadyRunningError);
  await second.close();
  assert.equal(await removeIfStale(socketPath), false, 'a live socket stays');
});

test('a file that is not a socket in the socket’s place is never removed', async (t) => {
  const runtime = await tempRuntimeDir(t);
  const dir = ensureControlDir(path.join(runtime, 'filer-tui'));
  const socketPath = socketPathFor(9000, dir);
  fs.writeFileSync(socketPath, 'mine');
  const server = new ControlServer({session: new FakeSession()});
  await assert.rejects(server.listen(socketPath), /is not a socket/);
  await server.close();
  assert.equal(fs.readFileSync(socketPath, 'utf8'), 'mine');
});

test('closing removes the socket only if it is still its own', async (t) => {
  const {server, socketPath} = await serve(t, new FakeSession());
  await server.close();
  assert.equal(fs.existsSync(socketPath), false);
});
