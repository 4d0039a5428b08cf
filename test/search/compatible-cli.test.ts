/**
 * `--compatible` on the command line: the node searches as the original
 * does (one RESP, the first match), where filer mode answers every match.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import {nodeOptionsOf, parseCliConfig} from '../../source/cli/config.js';
import {startHeadless} from '../support/cli-process.js';
import {eventually} from '../support/eventually.js';
import {testNetwork} from '../support/network.js';
import {rawFrame, rawRequest} from '../support/raw-client.js';

test('--compatible sets the search mode; filer is the default', async (t) => {
  const downloadDir = await testNetwork(t).tempDir('config');
  assert.equal(parseCliConfig(['0', '0'], {downloadDir}).searchMode, 'filer');
  const config = parseCliConfig(['0', '0'], {downloadDir, compatible: true});
  assert.equal(config.searchMode, 'compatible');
  assert.equal(nodeOptionsOf(config).searchMode, 'compatible');
});

test(
  'a node started with --compatible answers a query with the first match only',
  {timeout: 60_000},
  async (t) => {
    const network = testNetwork(t);
    const shareDir = await network.tempDir('compatible');
    for (const name of ['song-a.mp3', 'song-b.mp3']) {
      await fs.writeFile(path.join(shareDir, name), name);
    }
    const answers: Record<string, number> = {};
    for (const mode of ['filer', 'compatible']) {
      const cli = startHeadless(t, [
        '0',
        '5',
        '--share',
        shareDir,
        ...(mode === 'compatible' ? ['--compatible'] : []),
      ]);
      const id = await cli.waitForListening();
      await cli.waitForRecord(
        (record) =>
          record.event === 'log' && /sharing 2 file/.test(String(record.message)),
      );
      const asker = await network.startFakePeer();
      const port = Number(id.split(':')[1]);
      await rawRequest(port, rawFrame('QUER', `${asker.id} song 4`));
      const expected = mode === 'compatible' ? 1 : 2;
      await eventually(
        () =>
          asker.requests.filter((request) => request.type === 'RESP').length >= expected,
        `${expected} RESP from the ${mode} node`,
      );
      answers[mode] = asker.requests.filter((request) => request.type === 'RESP').length;
      await cli.stop();
    }
    assert.deepEqual(answers, {filer: 2, compatible: 1});
  },
);
