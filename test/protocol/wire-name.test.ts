import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
  decodeWireName,
  encodeWireName,
  hasWhitespace,
  splitFields,
  stripWhitespace,
} from '../../source/protocol/wire-name.js';

/**
 * Every code point for which Python 3's str.isspace() is true (and so where
 * str.split() cuts), taken from CPython 3.11:
 * [c for c in range(0x110000) if chr(c).isspace()]
 */
const PYTHON_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000,
  0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
  0x2029, 0x202f, 0x205f, 0x3000,
]);

/** A test label with every non-printable-ASCII character escaped. */
const show = (text: string): string =>
  JSON.stringify(text).replace(
    /[^\x20-\x7e]/gu,
    (character) => `\\u{${(character.codePointAt(0) ?? 0).toString(16)}}`,
  );

describe('encodeWireName / decodeWireName', () => {
  test('whitespace and "%" become %XX of their UTF-8 bytes, upper-case hex', () => {
    const cases: Array<[string, string]> = [
      ['plain.txt', 'plain.txt'],
      ['my song.mp3', 'my%20song.mp3'],
      ['a\tb', 'a%09b'],
      ['line\nbreak\r', 'line%0Abreak%0D'],
      ['v\vf\f', 'v%0Bf%0C'],
      ['100%', '100%25'],
      ['%20', '%2520'],
      ['no\u00a0break', 'no%C2%A0break'],
      ['ideo\u3000space', 'ideo%E3%80%80space'],
      ['nel\u0085', 'nel%C2%85'],
      ['sep\u2028', 'sep%E2%80%A8'],
      ['bom\ufeff', 'bom%EF%BB%BF'],
      ['unit\x1fsep', 'unit%1Fsep'],
      ['  ', '%20%20'],
      ['', ''],
    ];
    for (const [name, wire] of cases) {
      assert.equal(encodeWireName(name), wire, JSON.stringify(name));
      assert.equal(decodeWireName(wire), name, wire);
    }
  });

  test('other characters pass unchanged, including non-ASCII and zero-width ones', () => {
    for (const name of [
      'éü',
      'файл.txt',
      '日本語',
      '😀.png',
      'a\u200bb',
      'a+b=c&d',
      '../x',
    ]) {
      assert.equal(encodeWireName(name), name, JSON.stringify(name));
    }
  });

  test('round trip on awkward names', () => {
    const names = [
      'my song (live).mp3',
      ' leading and trailing ',
      'tab\tand\nnewline',
      '50% off %41 %2F %zz %',
      '%25%20',
      '%%%',
      'mixed \u00a0\u2003\u3000 spaces',
      'emoji 😀 name',
      '\ufeffbom',
      'a\x1c\x1d\x1e\x1fb',
    ];
    for (const name of names) {
      const wire = encodeWireName(name);
      assert.equal(decodeWireName(wire), name, JSON.stringify(name));
      assert.equal(hasWhitespace(wire), false, `${JSON.stringify(wire)} has whitespace`);
      assert.deepEqual(splitFields(wire), wire ? [wire] : [], JSON.stringify(wire));
    }
  });

  test('every code point survives the round trip and never leaves whitespace', () => {
    for (let code = 0; code <= 0x3100; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const name = `x${String.fromCodePoint(code)}y`;
      const wire = encodeWireName(name);
      assert.equal(splitFields(wire).length, 1, `U+${code.toString(16)}`);
      assert.equal(decodeWireName(wire), name, `U+${code.toString(16)}`);
    }
  });

  test('decoding touches only sequences the encoder produces', () => {
    // An original peer may share names with "%" text of its own.
    assert.equal(decodeWireName('%41%2F%2e%2E'), '%41%2F%2e%2E');
    assert.equal(decodeWireName('%C2'), '%C2');
    assert.equal(decodeWireName('%E3%80'), '%E3%80');
    assert.equal(decodeWireName('100%'), '100%');
    assert.equal(decodeWireName('%2'), '%2');
  });

  test('decoding accepts lower-case hex', () => {
    assert.equal(decodeWireName('my%20song%0a%c2%a0%25'), 'my song\n\u00a0%');
  });

  test('decoding never produces a path separator', () => {
    for (const wire of ['%2F', '%2f', '%5C', '%5c', '..%2F..%2Fetc']) {
      assert.equal(decodeWireName(wire).includes('/'), false, wire);
      assert.equal(decodeWireName(wire).includes('\\'), false, wire);
    }
  });
});

describe('splitFields matches Python str.split()', () => {
  // Expected values printed by CPython 3.11: repr(text.split()).
  const cases: Array<[string, string[]]> = [
    ['', []],
    ['   ', []],
    ['\t\n\r\v\f', []],
    ['a', ['a']],
    [' a  b ', ['a', 'b']],
    ['a\tb\nc\rd\ve\ff', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['a\x1cb\x1dc\x1ed\x1fe', ['a', 'b', 'c', 'd', 'e']],
    ['a\x85b', ['a', 'b']],
    ['a\xa0b', ['a', 'b']],
    ['a\u1680b', ['a', 'b']],
    ['a\u2028b\u2029c', ['a', 'b', 'c']],
    ['a\u3000b', ['a', 'b']],
    ['a\u200bb', ['a\u200bb']],
    ['a\u180eb', ['a\u180eb']],
    ['a\ufeffb', ['a\ufeffb']],
    ['a\x00b', ['a\x00b']],
    ['%20 %', ['%20', '%']],
    ['é ü', ['é', 'ü']],
    ['😀 😀', ['😀', '😀']],
    ['10.0.0.1:9000 song 4', ['10.0.0.1:9000', 'song', '4']],
  ];

  for (const [text, fields] of cases) {
    test(`split ${show(text)}`, () => {
      assert.deepEqual(splitFields(text), fields);
    });
  }

  test('hasWhitespace and splitFields agree with str.isspace() for every BMP character', () => {
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const character = String.fromCharCode(code);
      const isSpace = PYTHON_WHITESPACE.has(code);
      const label = `U+${code.toString(16).padStart(4, '0')}`;
      assert.equal(hasWhitespace(character), isSpace, label);
      assert.equal(splitFields(`a${character}b`).length, isSpace ? 2 : 1, label);
    }
  });
});

describe('stripWhitespace matches Python str.strip()', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['  ', ''],
    [' a ', 'a'],
    ['\t\n a b \r\n', 'a b'],
    ['\u3000\u00a0id\u2029', 'id'],
    ['\ufeffid\ufeff', '\ufeffid\ufeff'],
    ['\u200bid', '\u200bid'],
    ['😀 ', '😀'],
  ];
  for (const [text, stripped] of cases) {
    test(`strip ${show(text)}`, () => {
      assert.equal(stripWhitespace(text), stripped);
    });
  }
});
