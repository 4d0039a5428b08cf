import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
  isValidHost,
  isValidPeerId,
  MAX_PEER_ID_LENGTH,
} from '../../source/protocol/peer-id.js';

test('hosts: IPv4, IPv6 and DNS names are valid', () => {
  for (const host of [
    '127.0.0.1',
    '10.0.0.255',
    '::1',
    'fe80::a:b',
    'localhost',
    'peer-1.example.org',
    'peer-1.example.org.',
    'docker_host',
    'x',
  ]) {
    assert.ok(isValidHost(host), host);
  }
});

test('hosts: anything a terminal or a resolver would misread is refused', () => {
  for (const host of [
    '',
    '256.0.0.1',
    '1.2.3',
    '01.2.3.4.5',
    '::g',
    'a b',
    'a\tb',
    '\x1b[2J',
    'a..b',
    '.a',
    '-a',
    'a-',
    'ü.example',
    'a/b',
    'a%2F',
    `${'a'.repeat(64)}.b`,
    `${'a.'.repeat(127)}a`,
  ]) {
    assert.equal(isValidHost(host), false, JSON.stringify(host));
  }
});

test('peer ids: a valid host, a colon and a port 1-65535, within the length bound', () => {
  assert.ok(isValidPeerId('10.0.0.1:9000'));
  assert.ok(isValidPeerId('::1:1'));
  assert.equal(isValidPeerId('10.0.0.1:0'), false);
  assert.equal(isValidPeerId('10.0.0.1:65536'), false);
  assert.equal(isValidPeerId('10.0.0.1:+80'), false);
  assert.equal(isValidPeerId(`${'a'.repeat(MAX_PEER_ID_LENGTH)}:1`), false);
});
