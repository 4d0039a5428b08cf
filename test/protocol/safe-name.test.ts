import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {UnsafeNameError} from '../../source/protocol/errors.js';
import {
  assertSafeName,
  downloadFileName,
  MAX_NAME_BYTES,
  unsafeNameReason,
} from '../../source/protocol/safe-name.js';

describe('unsafeNameReason', () => {
  test('ordinary file names are fine', () => {
    const names = [
      'a',
      'song.mp3',
      'my song (live).mp3',
      '.hidden',
      '...',
      '..x',
      'x..',
      '%2F..%2F',
      'файл.txt',
      '😀',
      'a'.repeat(MAX_NAME_BYTES),
    ];
    for (const name of names) {
      assert.equal(unsafeNameReason(name), undefined, JSON.stringify(name));
      assert.doesNotThrow(() => assertSafeName(name));
    }
  });

  test('names that would leave the download directory or are no file name', () => {
    const unsafe: Array<[string, string]> = [
      ['', 'empty name'],
      ['.', 'refers to a directory'],
      ['..', 'refers to a directory'],
      ['../x', 'contains a path separator'],
      ['../../.bashrc', 'contains a path separator'],
      ['/etc/passwd', 'contains a path separator'],
      ['dir/file', 'contains a path separator'],
      ['x/', 'contains a path separator'],
      ['a\\b', 'contains a path separator'],
      ['..\\..\\win.ini', 'contains a path separator'],
      ['C:\\x', 'contains a path separator'],
    ];
    for (const [name, reason] of unsafe) {
      assert.equal(unsafeNameReason(name), reason, JSON.stringify(name));
    }
  });

  test('control characters are refused, wherever they are', () => {
    for (let code = 0; code < 0x20; code++) {
      const character = String.fromCharCode(code);
      for (const name of [
        character,
        `a${character}`,
        `${character}a`,
        `a${character}b`,
      ]) {
        assert.equal(
          unsafeNameReason(name),
          'contains a control character',
          `U+${code.toString(16)} in ${JSON.stringify(name)}`,
        );
      }
    }
    assert.equal(unsafeNameReason('del\x7f'), 'contains a control character');
    assert.equal(unsafeNameReason('nul\x00.txt'), 'contains a control character');
  });

  test('names longer than 255 UTF-8 bytes are refused', () => {
    assert.equal(unsafeNameReason('a'.repeat(256)), 'longer than 255 bytes');
    // 128 two-byte characters: 128 characters but 256 bytes.
    assert.equal(unsafeNameReason('é'.repeat(128)), 'longer than 255 bytes');
    assert.equal(unsafeNameReason('é'.repeat(127)), undefined);
  });

  test('assertSafeName throws UnsafeNameError with a stable code and the reason', () => {
    assert.throws(
      () => assertSafeName('../x'),
      (error: unknown) =>
        error instanceof UnsafeNameError &&
        error.code === 'ERR_UNSAFE_NAME' &&
        error.message === 'refused file name "../x": contains a path separator',
    );
    for (const name of ['', '.', '..', '/etc/passwd', 'a\\b', 'a\nb']) {
      assert.throws(() => assertSafeName(name), UnsafeNameError, JSON.stringify(name));
    }
  });
});

describe('downloadFileName', () => {
  test('leading dots become underscores, so a peer cannot plant a hidden file', () => {
    assert.equal(downloadFileName('.bashrc'), '_bashrc');
    assert.equal(downloadFileName('..hidden'), '__hidden');
    assert.equal(downloadFileName('...'), '___');
    assert.equal(downloadFileName('notes.txt'), 'notes.txt');
    assert.equal(downloadFileName('x..'), 'x..');
  });

  test('unsafe names are still refused', () => {
    assert.throws(() => downloadFileName('../.bashrc'), UnsafeNameError);
    assert.throws(() => downloadFileName('..'), UnsafeNameError);
  });
});
