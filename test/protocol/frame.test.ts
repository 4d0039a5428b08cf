import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {FrameTooLargeError, TruncatedFrameError} from '../../source/protocol/errors.js';
import {
  decodeHeader,
  encodeFrame,
  encodeHeader,
  FrameDecoder,
  HEADER_SIZE,
  MAX_CONTROL_DATA,
  MAX_FRAME_DATA,
  type Frame,
} from '../../source/protocol/frame.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** Frames as plain values, so deepEqual compares type and bytes. */
const plain = (frames: Frame[]) =>
  frames.map(({type, data}) => ({type, data: data.toString('hex')}));

describe('frame encoding: the golden bytes of PROTOCOL.md', () => {
  test('NAME without data is 4e 41 4d 45 00 00 00 00', () => {
    assert.deepEqual(encodeFrame('NAME'), hex('4e 41 4d 45 00 00 00 00'));
    assert.deepEqual(encodeFrame('NAME', ''), hex('4e 41 4d 45 00 00 00 00'));
  });

  test('REPL carrying 10.0.0.1:9000 is 52 45 50 4c 00 00 00 0d + the 13 text bytes', () => {
    const expected = Buffer.concat([
      hex('52 45 50 4c 00 00 00 0d'),
      hex('31 30 2e 30 2e 30 2e 31 3a 39 30 30 30'),
    ]);
    assert.deepEqual(encodeFrame('REPL', '10.0.0.1:9000'), expected);
    assert.deepEqual(encodeFrame('REPL', Buffer.from('10.0.0.1:9000')), expected);
  });

  test('the length is big-endian and counts UTF-8 bytes, not characters', () => {
    assert.deepEqual(encodeFrame('RESP', 'é'), hex('52 45 53 50 00 00 00 02 c3 a9'));
    assert.deepEqual(encodeHeader('FGET', 0x01020304), hex('46 47 45 54 01 02 03 04'));
    assert.deepEqual(
      encodeHeader('REPL', MAX_FRAME_DATA),
      hex('52 45 50 4c ff ff ff ff'),
    );
  });

  test('encodeHeader refuses what the wire cannot carry', () => {
    for (const type of ['NAM', 'NAMES', '', 'NA E', 'NA\nE', 'NAMÉ']) {
      assert.throws(() => encodeHeader(type, 0), RangeError, `type ${type}`);
    }
    for (const length of [-1, 1.5, MAX_FRAME_DATA + 1, Number.NaN]) {
      assert.throws(() => encodeHeader('REPL', length), RangeError, `length ${length}`);
    }
  });

  test('decodeHeader reads type and big-endian length, upper-casing the type', () => {
    assert.deepEqual(decodeHeader(hex('6e 61 6d 65 00 00 00 00')), {
      type: 'NAME',
      length: 0,
    });
    assert.deepEqual(decodeHeader(hex('52 65 50 6c ff ff ff fe')), {
      type: 'REPL',
      length: 0xfffffffe,
    });
  });
});

describe('FrameDecoder', () => {
  const name = hex('4e 41 4d 45 00 00 00 00');
  const reply = Buffer.concat([
    hex('52 45 50 4c 00 00 00 0d'),
    Buffer.from('10.0.0.1:9000'),
  ]);
  const stream = Buffer.concat([reply, name, reply]);
  const expected = [
    {type: 'REPL', data: Buffer.from('10.0.0.1:9000').toString('hex')},
    {type: 'NAME', data: ''},
    {type: 'REPL', data: Buffer.from('10.0.0.1:9000').toString('hex')},
  ];

  test('several frames in one chunk', () => {
    const decoder = new FrameDecoder();
    assert.deepEqual(plain(decoder.push(stream)), expected);
    assert.equal(decoder.pendingBytes, 0);
    decoder.end();
  });

  test('two empty frames back to back in one chunk', () => {
    const decoder = new FrameDecoder();
    assert.deepEqual(plain(decoder.push(Buffer.concat([name, name]))), [
      {type: 'NAME', data: ''},
      {type: 'NAME', data: ''},
    ]);
  });

  test('the same frames split into two chunks at every byte boundary', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      const frames = [
        ...decoder.push(stream.subarray(0, cut)),
        ...decoder.push(stream.subarray(cut)),
      ];
      assert.deepEqual(plain(frames), expected, `cut at byte ${cut}`);
      assert.doesNotThrow(() => decoder.end(), `cut at byte ${cut}`);
    }
  });

  test('the same frames fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const frames: Frame[] = [];
    for (let index = 0; index < stream.length; index++) {
      const emitted = decoder.push(stream.subarray(index, index + 1));
      frames.push(...emitted);
      // A frame comes out exactly when its last byte arrives.
      const atEnd = [reply.length, reply.length + name.length, stream.length];
      assert.equal(emitted.length, atEnd.includes(index + 1) ? 1 : 0, `byte ${index}`);
    }
    assert.deepEqual(plain(frames), expected);
    decoder.end();
  });

  test('an empty chunk changes nothing', () => {
    const decoder = new FrameDecoder();
    assert.deepEqual(decoder.push(Buffer.alloc(0)), []);
    assert.deepEqual(decoder.push(reply.subarray(0, 3)), []);
    assert.deepEqual(decoder.push(Buffer.alloc(0)), []);
    assert.equal(decoder.pendingBytes, 3);
    assert.deepEqual(plain(decoder.push(reply.subarray(3))), expected.slice(0, 1));
  });

  test('a lower-case type is upper-cased, as the original dispatches it', () => {
    const decoder = new FrameDecoder();
    const frames = decoder.push(
      Buffer.concat([
        hex('71 75 65 72 00 00 00 01'),
        Buffer.from('k'),
        hex('53 69 5a 65 00 00 00 00'),
      ]),
    );
    assert.deepEqual(plain(frames), [
      {type: 'QUER', data: '6b'},
      {type: 'SIZE', data: ''},
    ]);
  });

  test('end() on clean input does not throw', () => {
    const decoder = new FrameDecoder();
    decoder.end();
    decoder.push(name);
    decoder.end();
  });

  test('end() inside the header or the data throws TruncatedFrameError', () => {
    for (let cut = 1; cut < reply.length; cut++) {
      const decoder = new FrameDecoder();
      assert.deepEqual(decoder.push(reply.subarray(0, cut)), []);
      const detail =
        cut < HEADER_SIZE
          ? `${cut} of 8 header bytes`
          : `${cut - HEADER_SIZE} of 13 data bytes of REPL`;
      assert.throws(
        () => decoder.end(),
        (error: unknown) =>
          error instanceof TruncatedFrameError &&
          error.code === 'ERR_FRAME_TRUNCATED' &&
          error.message === `connection closed inside a frame (${detail})`,
        `cut at byte ${cut}`,
      );
    }
  });

  test('end() after a complete frame followed by a partial one still throws', () => {
    const decoder = new FrameDecoder();
    assert.equal(decoder.push(Buffer.concat([name, reply.subarray(0, 10)])).length, 1);
    assert.throws(() => decoder.end(), TruncatedFrameError);
  });

  test('the control limit is 64 KiB: exactly at the limit passes', () => {
    assert.equal(MAX_CONTROL_DATA, 65_536);
    const decoder = new FrameDecoder();
    const data = Buffer.alloc(MAX_CONTROL_DATA, 0x61);
    const frames = decoder.push(Buffer.concat([hex('4a 4f 49 4e 00 01 00 00'), data]));
    assert.equal(frames.length, 1);
    assert.equal(frames[0]?.data.length, MAX_CONTROL_DATA);
  });

  test('one byte over the limit is rejected with FrameTooLargeError', () => {
    const decoder = new FrameDecoder();
    assert.throws(
      () => decoder.push(hex('4a 4f 49 4e 00 01 00 01')),
      (error: unknown) =>
        error instanceof FrameTooLargeError &&
        error.code === 'ERR_FRAME_TOO_LARGE' &&
        error.message === 'frame of 65537 bytes exceeds the limit of 65536 bytes',
    );
  });

  test('a header claiming 4 GiB is rejected on its 8th byte, before any data', () => {
    const header = hex('46 47 45 54 ff ff ff ff');
    const decoder = new FrameDecoder();
    for (let index = 0; index < HEADER_SIZE - 1; index++) {
      assert.deepEqual(decoder.push(header.subarray(index, index + 1)), []);
    }
    assert.equal(decoder.pendingBytes, HEADER_SIZE - 1);
    assert.throws(
      () => decoder.push(header.subarray(HEADER_SIZE - 1)),
      FrameTooLargeError,
    );
    // Nothing of the announced body was waited for or kept.
    assert.equal(decoder.pendingBytes, 0);
  });

  test('the oversized header is rejected even when data follows in the same chunk', () => {
    const decoder = new FrameDecoder();
    const chunk = Buffer.concat([hex('52 45 50 4c ff ff ff ff'), Buffer.alloc(1024)]);
    assert.throws(() => decoder.push(chunk), FrameTooLargeError);
    assert.ok(decoder.pendingBytes <= 1024, 'only the bytes already received are held');
  });

  test('a frame after a complete one is rejected when too large, the first is not lost', () => {
    const decoder = new FrameDecoder({maxDataLength: 13});
    assert.equal(decoder.maxDataLength, 13);
    assert.deepEqual(plain(decoder.push(reply)), expected.slice(0, 1));
    assert.throws(() => decoder.push(hex('52 45 50 4c 00 00 00 0e')), FrameTooLargeError);
  });

  test('maxDataLength can be raised up to the 32-bit maximum for file bodies', () => {
    const decoder = new FrameDecoder({maxDataLength: MAX_FRAME_DATA});
    assert.deepEqual(decoder.push(hex('52 45 50 4c ff ff ff ff')), []);
    assert.equal(decoder.pendingBytes, 0);
    assert.throws(() => decoder.end(), TruncatedFrameError);
  });
});
