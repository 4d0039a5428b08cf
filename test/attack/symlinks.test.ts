/**
 * Issue 9 #4: a share never serves what lies outside it through a symbolic
 * link, whether the link was there when the directory was shared or put in
 * place of a shared file (or directory) later.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import {rawFrame, rawRequest} from '../support/raw-client.js';
import {assertAnswersName, startTarget} from './attack-kit.js';

const OUTSIDE_SECRET = 'outside the share';

async function fileOutside(network: {tempDir(label: string): Promise<string>}) {
  const outside = await network.tempDir('outside');
  const secret = path.join(outside, 'secret.txt');
  await fs.writeFile(secret, OUTSIDE_SECRET);
  return {outside, secret};
}

const ask = async (port: number, type: string, name: string): Promise<string> => {
  const reply = await rawRequest(port, rawFrame(type, name));
  return `${reply.toString('latin1', 0, 4)} ${reply.subarray(8).toString('utf8')}`;
};

test('links inside a shared directory are not shared, to files or directories', async (t) => {
  const {node, network} = await startTarget(t);
  const {outside, secret} = await fileOutside(network);
  const shared = await network.tempDir('shared');
  await fs.writeFile(path.join(shared, 'plain.txt'), 'plain');
  await fs.symlink(secret, path.join(shared, 'link.txt'));
  await fs.symlink('/etc/passwd', path.join(shared, 'passwd'));
  await fs.symlink(outside, path.join(shared, 'linked-dir'));
  await fs.mkdir(path.join(shared, 'sub'));
  await fs.symlink(
    path.join(shared, 'plain.txt'),
    path.join(shared, 'sub', 'inner-link'),
  );

  const added = await node.addShare(shared);
  assert.deepEqual(
    added.map((entry) => entry.name),
    ['plain.txt'],
  );
  for (const name of ['link.txt', 'passwd', 'secret.txt', 'inner-link']) {
    assert.equal(await ask(node.port, 'FGET', name), 'ERRO File not found', name);
  }
  assert.equal(await ask(node.port, 'FGET', 'plain.txt'), 'REPL plain');
});

test('a shared file replaced by a link later is refused, by FGET and SIZE alike', async (t) => {
  const {node, network} = await startTarget(t);
  const {secret} = await fileOutside(network);
  const shared = await network.tempDir('shared');
  const victim = path.join(shared, 'notes.txt');
  await fs.writeFile(victim, 'my notes');
  await node.addShare(shared);
  assert.equal(await ask(node.port, 'FGET', 'notes.txt'), 'REPL my notes');

  await fs.rm(victim);
  await fs.symlink(secret, victim);
  assert.equal(await ask(node.port, 'FGET', 'notes.txt'), 'ERRO Error reading file');
  assert.equal(await ask(node.port, 'SIZE', 'notes.txt'), 'ERRO Error reading file');

  await fs.rm(victim);
  await fs.symlink('/etc/passwd', victim);
  assert.equal(await ask(node.port, 'FGET', 'notes.txt'), 'ERRO Error reading file');
  await assertAnswersName(node);
});

test('a shared directory replaced by a link to another directory is refused', async (t) => {
  const {node, network} = await startTarget(t);
  const {outside} = await fileOutside(network);
  await fs.writeFile(path.join(outside, 'report.txt'), OUTSIDE_SECRET);
  const shared = await network.tempDir('shared');
  await fs.mkdir(path.join(shared, 'docs'));
  await fs.writeFile(path.join(shared, 'docs', 'report.txt'), 'mine');
  await node.addShare(shared);

  await fs.rename(path.join(shared, 'docs'), path.join(shared, 'docs-moved'));
  await fs.symlink(outside, path.join(shared, 'docs'));
  assert.equal(await ask(node.port, 'FGET', 'report.txt'), 'ERRO Error reading file');
  assert.equal(await ask(node.port, 'SIZE', 'report.txt'), 'ERRO Error reading file');
});

test('a shared file replaced by a FIFO is refused without hanging the node', async (t) => {
  const {node, network} = await startTarget(t);
  const shared = await network.tempDir('shared');
  const victim = path.join(shared, 'pipe.txt');
  await fs.writeFile(victim, 'data');
  await node.addShare(victim);
  await fs.rm(victim);
  const {execFileSync} = await import('node:child_process');
  execFileSync('mkfifo', [victim]);
  assert.equal(await ask(node.port, 'FGET', 'pipe.txt'), 'ERRO Error reading file');
  await assertAnswersName(node);
});

test('a link the user names as the share is the user’s choice: its target is shared', async (t) => {
  const {node, network} = await startTarget(t);
  const {secret} = await fileOutside(network);
  const shared = await network.tempDir('shared');
  const link = path.join(shared, 'chosen-link.txt');
  await fs.symlink(secret, link);
  const added = await node.addShare(link);
  assert.deepEqual(
    added.map((entry) => entry.name),
    ['secret.txt'],
  );
  assert.equal(await ask(node.port, 'FGET', 'secret.txt'), `REPL ${OUTSIDE_SECRET}`);
  const editedInPlace = 'edited, same path';
  await fs.writeFile(secret, editedInPlace);
  assert.equal(await ask(node.port, 'FGET', 'secret.txt'), `REPL ${editedInPlace}`);
});
