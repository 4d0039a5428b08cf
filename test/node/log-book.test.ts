import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LogBook, MAX_LOG_LINE_CHARS} from '../../source/node/log-book.js';
import type {LogEntry} from '../../source/node/types.js';

test('every log line is terminal-safe and bounded, whoever wrote it', () => {
  const seen: LogEntry[] = [];
  const book = new LogBook(
    (entry) => seen.push(entry),
    () => 0,
  );
  book.write('warn', `refused FGET of ${JSON.stringify('\x01'.repeat(65_536))}`);
  book.write('info', 'peer \x1b]2;x\x07 said\r\nforged line');
  const [flood, injected] = seen;
  assert.ok(flood && flood.message.length <= MAX_LOG_LINE_CHARS);
  assert.equal(injected?.message, 'peer \\x1b]2;x\\x07 said\\x0d\\x0aforged line');
  assert.deepEqual(book.recent(), seen);
});
