/**
 * Issue 10 #3: adding a big directory never holds anything up, can be
 * stopped, and shares every file, a name already shared from another folder
 * under a unique, plain, safe name that peers can search for and fetch.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {describe, test} from 'node:test';
import {uniqueShareName} from '../../source/node/files/unique-name.js';
import {unsafeNameReason} from '../../source/protocol/safe-name.js';
import {join, recordEvents, testNetwork, waitFor} from '../support/network.js';

describe('uniqueShareName', () => {
  test('the folder name in brackets, then a number; still a safe name', () => {
    const taken = new Set(['notes.txt', 'notes (2024).txt']);
    const isTaken = (name: string): boolean => taken.has(name);
    assert.equal(
      uniqueShareName('notes.txt', '/a/photos/notes.txt', isTaken),
      'notes (photos).txt',
    );
    assert.equal(
      uniqueShareName('notes.txt', '/b/2024/notes.txt', isTaken),
      'notes (2024 2).txt',
    );
    assert.equal(uniqueShareName('README', '/x/docs/README', isTaken), 'README (docs)');
    assert.equal(uniqueShareName('.bashrc', '/home/u/.bashrc', isTaken), '.bashrc (u)');
    const long = `${'é'.repeat(126)}.txt`;
    const unique = uniqueShareName(
      long,
      `/${'d'.repeat(200)}/${long}`,
      (name) => name === long,
    );
    assert.ok(
      unique !== undefined && unsafeNameReason(unique) === undefined,
      String(unique),
    );
    assert.ok(Buffer.byteLength(unique ?? '') <= 255);
  });
});

test('same names in different folders are all shared and fetched under unique names', async (t) => {
  const network = testNetwork(t);
  const owner = await network.startNode();
  const asker = await network.startNode();
  await join(asker, owner);
  const root = await network.tempDir('same-names');
  for (const folder of ['a', 'b', path.join('b', 'deeper')]) {
    await fs.mkdir(path.join(root, folder), {recursive: true});
    await fs.writeFile(path.join(root, folder, 'notes.txt'), `notes in ${folder}\n`);
  }
  const added = await owner.addShare(root);
  const names = added.map((entry) => entry.name).sort();
  assert.deepEqual(names, ['notes (b).txt', 'notes (deeper).txt', 'notes.txt']);
  for (const name of names) assert.equal(unsafeNameReason(name), undefined);

  const found = recordEvents(asker, 'search-result');
  await asker.search('notes');
  await waitFor(asker, 'search-result', () => found.length >= 3);
  for (const [name, folder] of [
    ['notes.txt', 'a'],
    ['notes (b).txt', 'b'],
    ['notes (deeper).txt', path.join('b', 'deeper')],
  ] as const) {
    const transfer = await asker.fetch(name);
    assert.equal(
      await fs.readFile(transfer.path as string, 'utf8'),
      `notes in ${folder}\n`,
    );
  }
});

test('a big directory is shared batch by batch, says how far it got, and stops when asked', async (t) => {
  const network = testNetwork(t);
  const node = await network.startNode();
  const root = await network.tempDir('big-share');
  const folders = 4;
  const perFolder = 500;
  for (let folder = 0; folder < folders; folder++) {
    const directory = path.join(root, `folder-${folder}`);
    await fs.mkdir(directory);
    for (let index = 0; index < perFolder; index++) {
      // The same names in every folder: each gets a unique one.
      await fs.writeFile(path.join(directory, `file-${index}.dat`), '');
    }
  }
  // Stop as soon as the first batch is in: the walk is still going then.
  const controller = new AbortController();
  let turns = 0;
  const counting = setInterval(() => turns++, 0);
  t.after(() => clearInterval(counting));
  node.once('file-added', () => controller.abort());
  const stopped = await node.addShare(root, controller.signal);
  assert.ok(
    stopped.length > 0 && stopped.length < folders * perFolder,
    `${stopped.length} shared before the stop`,
  );
  assert.ok(
    node
      .recentLog()
      .some((line) => /\(stopped: the rest was not added\)$/u.test(line.message)),
  );

  // Whole, the same directory again: every file, the timers served meanwhile.
  turns = 0;
  const all = await node.addShare(root);
  clearInterval(counting);
  assert.equal(new Set(node.files().map((file) => file.name)).size, folders * perFolder);
  assert.ok(all.length >= folders * perFolder - stopped.length);
  assert.ok(turns >= 3, `timers ran ${turns} times while 2,000 files were added`);
  assert.ok(
    node
      .recentLog()
      .some((line) =>
        /of them under a new name, as their name is shared from another folder/u.test(
          line.message,
        ),
      ),
  );
});
