import assert from 'node:assert/strict';
import {test} from 'node:test';
import {HeadlessOutput} from '../../source/headless/output.js';

const HOSTILE = '\x1b]2;PWNED\x07\x1b[2J\u009b31m\u202egpj.exe';
const RAW_CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function capture(json: boolean): {lines: string[]; output: HeadlessOutput} {
  const lines: string[] = [];
  return {lines, output: new HeadlessOutput(json, (line) => lines.push(line))};
}

test('text mode prints peer names, ids and errors with their escapes visible', () => {
  const {lines, output} = capture(false);
  output.files([{name: HOSTILE, local: false, owners: ['10.0.0.1:9000'], size: 3}]);
  output.peers([{id: HOSTILE, host: HOSTILE, port: 1}]);
  output.error(`peer replied: ${HOSTILE}`);
  output.log({time: 0, level: 'warn', message: HOSTILE});
  assert.equal(lines.length, 4);
  for (const line of lines) assert.doesNotMatch(line, RAW_CONTROLS, line);
  assert.equal(
    lines[0],
    'file \\x1b]2;PWNED\\x07\\x1b[2J\\x9b31m\\u202egpj.exe\t10.0.0.1:9000 3 B',
  );
});

test('JSON mode keeps the same value but no raw control or bidi character', () => {
  const {lines, output} = capture(true);
  output.files([{name: `${HOSTILE}\u2028\u{e0041}`, local: true, owners: [], size: 0}]);
  const line = lines[0] ?? '';
  assert.doesNotMatch(line, RAW_CONTROLS, line);
  assert.doesNotMatch(line, /[\u2028\u{e0041}]/u);
  const parsed = JSON.parse(line) as {files: Array<{name: string}>};
  assert.equal(parsed.files[0]?.name, `${HOSTILE}\u2028\u{e0041}`);
});
