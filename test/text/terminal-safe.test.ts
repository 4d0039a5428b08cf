import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
  boundText,
  ELLIPSIS,
  peerText,
  PEER_TEXT_CHARS,
  terminalSafe,
} from '../../source/text/terminal-safe.js';

/** Nothing a terminal would act on or hide is left. */
function assertPrintable(text: string): void {
  assert.doesNotMatch(text, /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u, JSON.stringify(text));
}

describe('terminalSafe', () => {
  test('the JOIN id of the attack report no longer retitles or clears the screen', () => {
    const id = '\x1b]2;PWNED\x07\x1b[2J:1';
    const safe = terminalSafe(id);
    assert.equal(safe, '\\x1b]2;PWNED\\x07\\x1b[2J:1');
    assertPrintable(safe);
  });

  test('an OSC 52 clipboard write, DCS and 8-bit CSI become visible text', () => {
    assert.equal(
      terminalSafe('a\x1b]52;c;cHduZWQ=\x1b\\b'),
      'a\\x1b]52;c;cHduZWQ=\\x1b\\b',
    );
    assert.equal(terminalSafe('\x1bPq#0\x1b\\'), '\\x1bPq#0\\x1b\\');
    assert.equal(terminalSafe('\u009b2J\u009d0;x\u0007'), '\\x9b2J\\x9d0;x\\x07');
  });

  test('every C0 control, DEL and C1 control is escaped, including CR and LF', () => {
    for (let code = 0; code <= 0x9f; code++) {
      if (code > 0x1f && code < 0x7f) continue;
      const safe = terminalSafe(`a${String.fromCharCode(code)}b`);
      assert.equal(safe, `a\\x${code.toString(16).padStart(2, '0')}b`);
    }
  });

  test('bidi overrides and isolates, zero-width and other invisible characters are shown', () => {
    // "invoice_\u202Egpj.exe" reads as "invoice_exe.jpg" when printed raw.
    assert.equal(terminalSafe('invoice_\u202egpj.exe'), 'invoice_\\u202egpj.exe');
    for (const hidden of [
      '\u200b',
      '\u200c',
      '\u200e',
      '\u200f',
      '\u202a',
      '\u2066',
      '\u2069',
      '\u061c',
      '\ufeff',
      '\u00ad',
      '\u2028',
      '\u2029',
    ]) {
      const safe = terminalSafe(`x${hidden}y`);
      assertPrintable(safe);
      assert.notEqual(safe, `x${hidden}y`);
    }
    assert.equal(terminalSafe('tag\u{e0041}'), 'tag\\u{e0041}');
    assert.equal(terminalSafe('lone\ud800'), 'lone\\ud800');
  });

  test('printable Unicode stays as it is', () => {
    for (const text of [
      'song.mp3',
      'café crème.txt',
      'Ελληνικά',
      'файл',
      '日本語のファイル',
      'عربي.txt',
      'עברית',
      '🎵 music 🎶',
      '👨‍👩‍👧 family',
      '👍🏽‍🔥'.slice(0, 4),
      'e\u0301',
      '10.0.0.1:9000',
      'back\\slash',
      '100%',
    ]) {
      assert.equal(terminalSafe(text), text);
    }
  });

  test('a joiner outside an emoji sequence is shown', () => {
    assert.equal(terminalSafe('a\u200db'), 'a\\u200db');
    assert.equal(terminalSafe('\u200d👩'), '\\u200d👩');
  });
});

describe('boundText and peerText', () => {
  test('bounds by code points with an ellipsis, never splitting a pair', () => {
    assert.equal(boundText('abcdef', 6), 'abcdef');
    assert.equal(boundText('abcdefg', 6), `abcde${ELLIPSIS}`);
    assert.equal(boundText('😀😀😀', 3), '😀😀😀');
    assert.equal(boundText('😀😀😀😀', 3), `😀😀${ELLIPSIS}`);
    assert.equal(boundText('ab', 1), ELLIPSIS);
    assert.equal(boundText('ab', 0), '');
  });

  test('a 64 KiB name of control characters becomes one short safe line', () => {
    const name = '\x01\x1b\n'.repeat(22_000);
    const quoted = peerText(name);
    assert.ok([...quoted].length <= PEER_TEXT_CHARS);
    assert.ok(quoted.endsWith(ELLIPSIS));
    assertPrintable(quoted);
  });

  test('short peer text is only made safe', () => {
    assert.equal(peerText('x\x1by'), 'x\\x1by');
    assert.equal(peerText('abc', 2), `a${ELLIPSIS}`);
  });
});
