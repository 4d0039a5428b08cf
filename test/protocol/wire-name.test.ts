import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
  decodeWireName,
  encodeWireName,
  hasWhitespace,
  nameFromWire,
  splitFields,
  stripWhitespace,
  unescapedWire,
  wireBytes,
  wireFromName,
  wireText,
} from '../../source/protocol/wire-name.js';

/** Python 2's str.split() on a byte string cuts at exactly these bytes. */
const PYTHON2_WHITESPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);

/** A test label with every non-printable-ASCII character escaped. */
const show = (text: string): string =>
  JSON.stringify(text).replace(
    /[^\x20-\x7e]/gu,
    (character) => `\\u{${(character.codePointAt(0) ?? 0).toString(16)}}`,
  );

describe('encodeWireName / decodeWireName', () => {
  test('ASCII whitespace and "%" become %XX, upper-case hex', () => {
    const cases: Array<[string, string]> = [
      ['plain.txt', 'plain.txt'],
      ['my song.mp3', 'my%20song.mp3'],
      ['a\tb', 'a%09b'],
      ['line\nbreak\r', 'line%0Abreak%0D'],
      ['v\vf\f', 'v%0Bf%0C'],
      ['100%', '100%25'],
      ['%20', '%2520'],
      ['  ', '%20%20'],
      ['', ''],
    ];
    for (const [name, wire] of cases) {
      assert.equal(encodeWireName(name), wire, JSON.stringify(name));
      assert.equal(decodeWireName(wire), name, wire);
    }
  });

  test('everything else travels as it is: the original splits on ASCII whitespace only', () => {
    for (const name of [
      'éü',
      'файл.txt',
      '日本語',
      '😀.png',
      'no\u00a0break',
      'ideo\u3000space',
      'nel\u0085',
      'bom\ufeff',
      'a\u200bb',
      'a+b=c&d',
      '../x',
    ]) {
      assert.equal(encodeWireName(name), name, JSON.stringify(name));
    }
  });

  test('the Unicode spaces earlier versions encoded are still decoded', () => {
    assert.equal(decodeWireName('no%C2%A0break'), 'no\u00a0break');
    assert.equal(decodeWireName('ideo%E3%80%80space'), 'ideo\u3000space');
    assert.equal(decodeWireName('bom%EF%BB%BF'), 'bom\ufeff');
  });

  test('round trip on awkward names, never leaving a separator', () => {
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
    ];
    for (const name of names) {
      const wire = encodeWireName(name);
      assert.equal(decodeWireName(wire), name, JSON.stringify(name));
      assert.equal(hasWhitespace(wire), false, `${JSON.stringify(wire)} has whitespace`);
      assert.deepEqual(splitFields(wire), wire ? [wire] : [], JSON.stringify(wire));
    }
  });

  test('every code point survives the round trip, as wire text too', () => {
    for (let code = 0; code <= 0x3100; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const name = `x${String.fromCodePoint(code)}y`;
      const label = `U+${code.toString(16)}`;
      assert.equal(splitFields(encodeWireName(name)).length, 1, label);
      assert.equal(decodeWireName(encodeWireName(name)), name, label);
      const wire = wireFromName(name);
      assert.equal(splitFields(wire).length, 1, label);
      assert.equal(nameFromWire(wire), name, label);
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
      assert.equal(nameFromWire(wire).includes('/'), false, wire);
      assert.equal(decodeWireName(wire).includes('\\'), false, wire);
    }
  });
});

describe('wire text: bytes kept from the wire to the wire', () => {
  const latin1 = Buffer.from('caf\xe9.bin', 'latin1');
  const nbsp = Buffer.from('nb\xc2\xa0sp-o.txt', 'latin1');

  test('any bytes round-trip exactly', () => {
    const every = Buffer.from(Array.from({length: 256}, (_, byte) => byte));
    assert.deepEqual(wireBytes(wireText(every)), every);
    assert.deepEqual(wireBytes(wireText(latin1)), latin1);
  });

  test('wire text never holds more than a byte per character', () => {
    assert.throws(() => wireBytes('café \u20ac'), RangeError);
  });

  test('names for people: UTF-8 when it is, else Latin-1 (C1 bytes as %XX)', () => {
    assert.equal(nameFromWire(wireText(nbsp)), 'nb\u00a0sp-o.txt');
    assert.equal(nameFromWire(wireText(latin1)), 'café.bin');
    assert.equal(nameFromWire(wireText(Buffer.from([0x61, 0x9b, 0xff]))), 'a%9Bÿ');
    assert.equal(nameFromWire(wireFromName('my song 100%.txt')), 'my song 100%.txt');
  });

  test('matching bytes: escapes undone, everything else as it came', () => {
    assert.equal(unescapedWire('my%20song%25'), 'my song%');
    assert.equal(unescapedWire(wireText(latin1)), wireText(latin1));
    assert.equal(unescapedWire('no%C2%A0break'), 'no\xc2\xa0break');
    assert.equal(wireFromName('é x'), '\xc3\xa9%20x');
  });
});

describe('splitFields matches Python 2 str.split() on bytes', () => {
  const cases: Array<[string, string[]]> = [
    ['', []],
    ['   ', []],
    ['\t\n\r\v\f', []],
    ['a', ['a']],
    [' a  b ', ['a', 'b']],
    ['a\tb\nc\rd\ve\ff', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['a\x1cb', ['a\x1cb']],
    ['a\x85b', ['a\x85b']],
    ['a\xa0b', ['a\xa0b']],
    ['nb\xc2\xa0sp-o.txt 10.0.0.1:9', ['nb\xc2\xa0sp-o.txt', '10.0.0.1:9']],
    ['a\u3000b', ['a\u3000b']],
    ['a\x00b', ['a\x00b']],
    ['%20 %', ['%20', '%']],
    ['10.0.0.1:9000 song 4', ['10.0.0.1:9000', 'song', '4']],
  ];

  for (const [text, fields] of cases) {
    test(`split ${show(text)}`, () => {
      assert.deepEqual(splitFields(text), fields);
    });
  }

  test('hasWhitespace and splitFields cut at exactly the six ASCII whitespace bytes', () => {
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const character = String.fromCharCode(code);
      const isSpace = PYTHON2_WHITESPACE.has(code);
      const label = `U+${code.toString(16).padStart(4, '0')}`;
      assert.equal(hasWhitespace(character), isSpace, label);
      assert.equal(splitFields(`a${character}b`).length, isSpace ? 2 : 1, label);
    }
  });
});

describe('stripWhitespace matches Python 2 str.strip() on bytes', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['  ', ''],
    [' a ', 'a'],
    ['\t\n a b \r\n\v\f', 'a b'],
    ['\xa0id\xa0', '\xa0id\xa0'],
    ['\u3000id', '\u3000id'],
  ];
  for (const [text, stripped] of cases) {
    test(`strip ${show(text)}`, () => {
      assert.equal(stripWhitespace(text), stripped);
    });
  }

  test('a long run of whitespace inside is stripped in linear time', () => {
    const text = `x${' '.repeat(200_000)}x${' '.repeat(3)}`;
    const started = process.hrtime.bigint();
    assert.equal(stripWhitespace(text).length, 200_002);
    assert.ok(process.hrtime.bigint() - started < 2_000_000_000n);
  });
});
