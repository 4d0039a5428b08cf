import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import {findUnknownFlag, parseCliConfig, UsageError} from '../../source/cli/config.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'filer-config-'));
after(() => fs.rmSync(tmp, {recursive: true, force: true}));
const aFile = path.join(tmp, 'a-file.txt');
fs.writeFileSync(aFile, 'not a folder\n');

describe('parseCliConfig', () => {
  test('takes the three positional arguments of the original', () => {
    const config = parseCliConfig(['9000', '5', '10.0.0.1:9001'], {downloadDir: tmp});
    assert.equal(config.port, 9000);
    assert.equal(config.maxPeers, 5);
    assert.deepEqual(config.firstPeer, {host: '10.0.0.1', port: 9001});
    assert.equal(config.hops, 2);
    assert.equal(config.bindHost, '0.0.0.0');
    assert.equal(config.downloadDir, tmp);
  });

  test('the first peer is optional, port 0 and max-peers 0 are allowed', () => {
    const config = parseCliConfig(['0', '0'], {downloadDir: tmp});
    assert.equal(config.port, 0);
    assert.equal(config.maxPeers, 0);
    assert.equal(config.firstPeer, undefined);
  });

  test('a missing download folder is created, and the config says so', () => {
    const missing = path.join(tmp, 'new', 'downloads');
    const config = parseCliConfig(['0', '0'], {downloadDir: missing});
    assert.equal(config.downloadDir, missing);
    assert.equal(config.createdDownloadDir, true);
    assert.ok(fs.statSync(missing).isDirectory());
    const again = parseCliConfig(['0', '0'], {downloadDir: missing});
    assert.equal(again.createdDownloadDir, undefined, 'there now: nothing created');
  });

  const bad: Array<[string, string[], object, RegExp]> = [
    ['no port', [], {}, /missing <port>/],
    ['port out of range', ['70000', '5'], {}, /port must be a number from 1 to 65535/],
    ['port not a number', ['http', '5'], {}, /port must be/],
    ['missing max-peers', ['9000'], {}, /missing <max-peers>/],
    ['max-peers not a number', ['9000', 'x'], {}, /max-peers must be a whole number/],
    ['negative max-peers', ['9000', '-1'], {}, /max-peers must be a whole number/],
    ['peer without port', ['9000', '5', 'nohost'], {}, /first peer must be host:port/],
    ['peer with bad port', ['9000', '5', 'h:99999'], {}, /first peer must be host:port/],
    ['extra argument', ['9000', '5', 'h:1', 'more'], {}, /unexpected argument "more"/],
    [
      'missing share',
      ['9000', '5'],
      {share: ['/no/such/path']},
      /--share \/no\/such\/path/,
    ],
    ['bad hops', ['9000', '5'], {hops: 'abc'}, /--hops must be/],
    ['zero hops', ['9000', '5'], {hops: '0'}, /--hops must be/],
    [
      'a file as download folder',
      ['9000', '5'],
      {downloadDir: aFile},
      /--download-dir .*a-file\.txt: exists but is a file, not a folder$/,
    ],
    [
      'a download folder under a file',
      ['9000', '5'],
      {downloadDir: path.join(aFile, 'sub')},
      /--download-dir .*sub: cannot (create|read) it \(a part of the path is a file\)$/,
    ],
    ['host with a port', ['9000', '5'], {host: 'a:1'}, /--host must be/],
  ];
  for (const [what, input, flags, message] of bad) {
    test(`refuses ${what} with one clear line`, () => {
      assert.throws(
        () => parseCliConfig(input, flags),
        (error: unknown) =>
          error instanceof UsageError &&
          message.test(error.message) &&
          !error.message.includes('\n'),
      );
    });
  }
});

describe('findUnknownFlag', () => {
  const known = {share: {}, downloadDir: {}, headless: {}};
  test('accepts known flags in kebab case, --no- forms, help and version', () => {
    assert.equal(
      findUnknownFlag(
        ['--share', 'x', '--download-dir=y', '--no-headless', '--help'],
        known,
      ),
      undefined,
    );
  });
  test('names the first unknown long or short flag', () => {
    assert.equal(findUnknownFlag(['--share', 'x', '--bogus=1'], known), '--bogus');
    assert.equal(findUnknownFlag(['-x'], known), '-x');
  });
  test('stops at --', () => {
    assert.equal(findUnknownFlag(['--', '--bogus'], known), undefined);
  });
});
