import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
  LIMIT_DEFAULTS,
  LIMIT_REPORT_INTERVAL_MS,
  LimitReporter,
  limitHit,
  type LimitName,
} from '../../source/node/limits.js';
import type {LogLevel} from '../../source/node/types.js';

function recordingLog(): {
  lines: string[];
  log: (level: LogLevel, message: string) => void;
} {
  const lines: string[] = [];
  return {lines, log: (level, message) => lines.push(`${level} ${message}`)};
}

test('a limit hit is one warn line naming the limit and the peer', () => {
  const {lines, log} = recordingLog();
  limitHit(log, 'server-connections-per-address', '127.0.0.9', '33 connections');
  assert.deepEqual(lines, [
    'warn limit server-connections-per-address hit by 127.0.0.9: 33 connections',
  ]);
});

test('a flood of hits is one line per interval, with the count of the others', () => {
  let now = 1_000;
  const {lines, log} = recordingLog();
  const reporter = new LimitReporter(log, () => now);
  for (let hit = 0; hit < 1_000; hit++) reporter.hit('reply-bytes', `p${hit}`, 'big');
  reporter.hit('outgoing-queue', 'q', 'full');
  assert.equal(lines.length, 2, 'one line per limit');
  now += LIMIT_REPORT_INTERVAL_MS;
  reporter.hit('reply-bytes', 'late', 'big');
  assert.equal(lines.length, 3);
  assert.match(lines[2] ?? '', /hit by late: big \(999 more since\)$/);
});

test('peer text in the line is made safe and short', () => {
  const {lines, log} = recordingLog();
  limitHit(log, 'request-data', '\x1b]2;x\x07', 'y'.repeat(10_000));
  const line = lines[0] ?? '';
  assert.doesNotMatch(line, /[\x00-\x1f]/);
  assert.ok(line.length < 400, `${line.length} characters`);
});

test('every default is a positive whole number with a unit and a description', () => {
  for (const [name, spec] of Object.entries(LIMIT_DEFAULTS)) {
    assert.match(name, /^[a-z]+(-[a-z]+)*$/, name);
    assert.ok(Number.isInteger(spec.value) && spec.value > 0, name);
    assert.ok(spec.what.length > 0, name);
  }
  const name: LimitName = 'server-connections';
  assert.equal(LIMIT_DEFAULTS[name].value, 512);
});
