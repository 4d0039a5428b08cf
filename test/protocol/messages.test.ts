import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {MalformedMessageError} from '../../source/protocol/errors.js';
import {
  formatJoin,
  formatListEntry,
  formatPeerId,
  formatQuery,
  formatResponse,
  MessageType,
  parseJoin,
  parseListCount,
  parseListEntry,
  parsePeerId,
  parsePort,
  parseQuery,
  parseQuit,
  parseResponse,
  ReplyText,
} from '../../source/protocol/messages.js';

const malformed = (error: unknown): boolean =>
  error instanceof MalformedMessageError && error.code === 'ERR_MALFORMED_MESSAGE';

describe('message types and reply texts', () => {
  test('the type codes are the original four-letter codes', () => {
    assert.deepEqual(
      {...MessageType},
      {
        name: 'NAME',
        list: 'LIST',
        join: 'JOIN',
        query: 'QUER',
        response: 'RESP',
        fileGet: 'FGET',
        quit: 'QUIT',
        ping: 'PING',
        reply: 'REPL',
        error: 'ERRO',
        size: 'SIZE',
      },
    );
  });

  test('reply texts are the original strings, character for character', () => {
    const id = '10.0.0.1:9000';
    assert.equal(ReplyText.joinAdded(id), 'Join: peer added: 10.0.0.1:9000');
    assert.equal(ReplyText.joinTooMany, 'Join: too many peers');
    // The original has no colon after "inserted".
    assert.equal(
      ReplyText.joinAlreadyInserted(id),
      'Join: peer already inserted 10.0.0.1:9000',
    );
    assert.equal(ReplyText.joinIncorrect, 'Join: incorrect arguments');
    assert.equal(ReplyText.queryAck('song'), 'Query ACK: song');
    assert.equal(ReplyText.queryIncorrect, 'Query: incorrect arguments');
    assert.equal(ReplyText.fileNotFound, 'File not found');
    assert.equal(ReplyText.fileReadError, 'Error reading file');
    assert.equal(ReplyText.quitRemoved(id), 'Quit: peer removed: 10.0.0.1:9000');
    assert.equal(ReplyText.quitNotFound(id), 'Quit: peer not found: 10.0.0.1:9000');
  });
});

describe('peer ids and ports', () => {
  test('parsePort accepts 1..65535 written with up to 5 digits', () => {
    assert.equal(parsePort('1'), 1);
    assert.equal(parsePort('9000'), 9000);
    assert.equal(parsePort('65535'), 65535);
    assert.equal(parsePort('08080'), 8080);
  });

  test('parsePort refuses everything else', () => {
    for (const text of [
      '',
      '0',
      '00000',
      '65536',
      '99999',
      '123456',
      '-1',
      '+80',
      '8o',
      ' 80',
      '80 ',
      '1e3',
      '0x50',
      '８０',
    ]) {
      assert.equal(parsePort(text), undefined, JSON.stringify(text));
    }
  });

  test('parsePeerId splits host and port at the last colon', () => {
    assert.deepEqual(parsePeerId('10.0.0.1:9000'), {host: '10.0.0.1', port: 9000});
    assert.deepEqual(parsePeerId('peer.example.org:1'), {
      host: 'peer.example.org',
      port: 1,
    });
    assert.deepEqual(parsePeerId('::1:65535'), {host: '::1', port: 65535});
    assert.deepEqual(parsePeerId('fe80::1:7'), {host: 'fe80::1', port: 7});
    const longest = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join(
      '.',
    );
    assert.deepEqual(parsePeerId(`${longest}:80`), {host: longest, port: 80});
  });

  test('parsePeerId refuses bad ids', () => {
    const bad = [
      '',
      '10.0.0.1',
      ':9000',
      '10.0.0.1:',
      '10.0.0.1:0',
      '10.0.0.1:65536',
      '10.0.0.1:http',
      '10.0.0.1:90 00',
      '10.0.0.1:9000 ',
      '10.0.0.1 :9000',
      ' 10.0.0.1:9000',
      '\u300010.0.0.1:9000',
      'my host:9000',
      'tab\thost:9000',
      'nbsp\u00a0host:9000',
      `${'h'.repeat(256)}:80`,
      'a:b:7',
      '\x1b]2;PWNED\x07\x1b[2J:1',
      '10.0.0.256:9000',
      '1.2.3:9000',
      'host..example:9000',
      `${'h'.repeat(64)}.example:9000`,
      '-host:9000',
      'ho/st:9000',
      'caf\u00e9:9000',
      `${'x'.repeat(60_000)}:1`,
    ];
    for (const peerId of bad) {
      assert.equal(parsePeerId(peerId), undefined, JSON.stringify(peerId));
    }
  });

  test('formatPeerId is host:port', () => {
    assert.equal(formatPeerId('10.0.0.1', 9000), '10.0.0.1:9000');
  });
});

describe('JOIN and LIST', () => {
  test('formatJoin is "<peer-id> <host> <port>" with single spaces', () => {
    assert.equal(
      formatJoin({peerId: '10.0.0.1:9000', host: '10.0.0.1', port: 9000}),
      '10.0.0.1:9000 10.0.0.1 9000',
    );
    assert.equal(formatListEntry, formatJoin);
  });

  test('parseJoin splits on ASCII whitespace runs, as Python 2 str.split()', () => {
    const expected = {peerId: '10.0.0.1:9000', host: '10.0.0.1', port: 9000};
    assert.deepEqual(parseJoin('10.0.0.1:9000 10.0.0.1 9000'), expected);
    assert.deepEqual(parseJoin('  10.0.0.1:9000\t10.0.0.1 \r\n 9000\n'), expected);
    assert.deepEqual(parseJoin('10.0.0.1:9000\f10.0.0.1\x0b9000'), expected);
    assert.throws(
      () => parseJoin('10.0.0.1:9000\u300010.0.0.1 9000'),
      'U+3000 is no separator',
    );
    assert.deepEqual(parseListEntry('10.0.0.1:9000 10.0.0.1 9000'), expected);
  });

  test('parseJoin and a LIST entry take only valid peer ids and hosts (the original took anything)', () => {
    assert.deepEqual(parseJoin('other:5 some-host 1'), {
      peerId: 'other:5',
      host: 'some-host',
      port: 1,
    });
    for (const data of [
      'anything some-host 1',
      '\x1b]2;PWNED\x07\x1b[2J:1 10.0.0.1 1',
      '10.0.0.1:1 \x1b[2J 1',
      `${'x'.repeat(60_000)}:1 10.0.0.1 1`,
    ]) {
      assert.throws(() => parseJoin(data), malformed, JSON.stringify(data));
      assert.throws(() => parseListEntry(data), malformed, JSON.stringify(data));
    }
  });

  test('parseJoin refuses a wrong field count or a bad port', () => {
    const bad = [
      '',
      '   ',
      '10.0.0.1:9000',
      '10.0.0.1:9000 10.0.0.1',
      '10.0.0.1:9000 10.0.0.1 9000 extra',
      '10.0.0.1:9000 10.0.0.1 port',
      '10.0.0.1:9000 10.0.0.1 0',
      '10.0.0.1:9000 10.0.0.1 65536',
      '10.0.0.1:9000 10.0.0.1 -1',
    ];
    for (const data of bad) {
      assert.throws(() => parseJoin(data), malformed, JSON.stringify(data));
      assert.throws(() => parseListEntry(data), malformed, JSON.stringify(data));
    }
  });

  test('parseListCount reads a decimal count, surrounding whitespace allowed', () => {
    assert.equal(parseListCount('0'), 0);
    assert.equal(parseListCount('2'), 2);
    assert.equal(parseListCount(' 12\n'), 12);
    assert.equal(parseListCount('999999999'), 999_999_999);
  });

  test('parseListCount refuses anything that is not a count', () => {
    for (const data of ['', ' ', '-1', '+1', '1.0', 'two', '1 2', '0x10', '1234567890']) {
      assert.throws(() => parseListCount(data), malformed, JSON.stringify(data));
    }
  });
});

describe('QUER', () => {
  test('formatQuery is "<return-peer-id> <key> <ttl>"', () => {
    assert.equal(
      formatQuery({returnPeerId: '10.0.0.1:9000', key: 'song', ttl: 4}),
      '10.0.0.1:9000 song 4',
    );
  });

  test('parseQuery reads the three fields and the ttl as a number', () => {
    assert.deepEqual(parseQuery('10.0.0.1:9000 song 4'), {
      returnPeerId: '10.0.0.1:9000',
      key: 'song',
      ttl: 4,
    });
    assert.deepEqual(parseQuery('\t10.0.0.1:9000   my%20song  0 \n'), {
      returnPeerId: '10.0.0.1:9000',
      key: 'my%20song',
      ttl: 0,
    });
    assert.equal(parseQuery('10.0.0.1:9000 k -1').ttl, -1);
    assert.equal(parseQuery('10.0.0.1:9000 k 007').ttl, 7);
  });

  test('parseQuery refuses a wrong field count, a bad ttl or a bad return peer', () => {
    const bad = [
      '',
      '10.0.0.1:9000',
      '10.0.0.1:9000 song',
      '10.0.0.1:9000 my song 4',
      '10.0.0.1:9000 song four',
      '10.0.0.1:9000 song 4.5',
      '10.0.0.1:9000 song +4',
      '10.0.0.1:9000 song 1234567890',
      'nobody song 4',
      '10.0.0.1:0 song 4',
    ];
    for (const data of bad) {
      assert.throws(() => parseQuery(data), malformed, JSON.stringify(data));
    }
  });
});

describe('RESP', () => {
  test('formatResponse is "<file-name> <owner-peer-id>"', () => {
    assert.equal(
      formatResponse({wireName: 'my%20song.mp3', ownerPeerId: '10.0.0.2:9001'}),
      'my%20song.mp3 10.0.0.2:9001',
    );
  });

  test('parseResponse reads name and owner', () => {
    assert.deepEqual(parseResponse('a.mp3 10.0.0.2:9001'), {
      wireName: 'a.mp3',
      ownerPeerId: '10.0.0.2:9001',
    });
    assert.deepEqual(parseResponse('\n../x\t10.0.0.2:9001 '), {
      wireName: '../x',
      ownerPeerId: '10.0.0.2:9001',
    });
  });

  test('parseResponse refuses a wrong field count or an owner that is no peer id', () => {
    const bad = [
      '',
      'a.mp3',
      'my song.mp3 10.0.0.2:9001',
      'a.mp3 nobody',
      'a.mp3 10.0.0.2:99999',
    ];
    for (const data of bad) {
      assert.throws(() => parseResponse(data), malformed, JSON.stringify(data));
    }
  });
});

describe('QUIT', () => {
  test('parseQuit strips surrounding ASCII whitespace only, as Python 2 str.strip()', () => {
    assert.equal(parseQuit('10.0.0.1:9000'), '10.0.0.1:9000');
    assert.equal(parseQuit(' \t10.0.0.1:9000\r\n\v\f'), '10.0.0.1:9000');
    assert.equal(parseQuit('\u300010.0.0.1:9000\u00a0'), '\u300010.0.0.1:9000\u00a0');
    assert.equal(parseQuit(' a b '), 'a b');
    assert.equal(parseQuit(''), '');
    assert.equal(parseQuit('\ufeffx'), '\ufeffx');
  });
});
