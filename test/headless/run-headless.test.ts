/** Headless mode over the app: lines in, commands run, events and answers out. */
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {describe, test} from 'node:test';
import {FilerApp} from '../../source/app/filer-app.js';
import type {TransferInfo} from '../../source/node/types.js';
import {printEvents} from '../../source/headless/event-printer.js';
import {HeadlessOutput} from '../../source/headless/output.js';
import {ProgressThrottle} from '../../source/headless/progress-throttle.js';
import {runHeadless} from '../../source/headless/run-headless.js';
import {eventually} from '../support/eventually.js';
import {testNetwork} from '../support/network.js';

function transfer(id: number, received: number): TransferInfo {
  return {
    id,
    name: `t${id}.bin`,
    owner: '10.0.0.2:9000',
    state: 'running',
    received,
    startedAt: 0,
  };
}

describe('progress in text mode', () => {
  test('is printed at most once a second per transfer', () => {
    let now = 10_000;
    const lines: string[] = [];
    const print = printEvents(new HeadlessOutput(false, (line) => lines.push(line)), {
      json: false,
      verbose: false,
      throttle: new ProgressThrottle(1_000, () => now),
    });
    for (const received of [1, 2, 3]) {
      print({event: 'transfer-progress', transfer: transfer(1, received)});
      now += 600;
    }
    print({event: 'transfer-progress', transfer: transfer(2, 7)});
    assert.deepEqual(lines, [
      'progress #1 t1.bin from 10.0.0.2:9000: running 1 B/?',
      'progress #1 t1.bin from 10.0.0.2:9000: running 3 B/?',
      'progress #2 t2.bin from 10.0.0.2:9000: running 7 B/?',
    ]);
  });

  test('forgets a transfer once it ended', () => {
    const throttle = new ProgressThrottle(1_000, () => 0);
    const print = printEvents(new HeadlessOutput(false, () => undefined), {
      json: false,
      verbose: false,
      throttle,
    });
    for (let id = 1; id <= 100; id++) {
      print({event: 'transfer-progress', transfer: transfer(id, 1)});
      const ended = {...transfer(id, 1), state: id % 2 ? 'done' : 'failed'} as const;
      print({
        event: ended.state === 'done' ? 'transfer-done' : 'transfer-failed',
        transfer: ended,
      });
    }
    assert.equal(throttle.size, 0, 'nothing is remembered of ended transfers');
  });
});

describe('runHeadless', () => {
  test('each input line runs a command; its answer or refusal is printed', async (t) => {
    const node = await testNetwork(t).startNode();
    const input = new PassThrough();
    const lines: string[] = [];
    const finished = runHeadless(new FilerApp(node), {
      json: false,
      verbose: false,
      input,
      write: (line) => lines.push(line),
    });
    const answers: Array<[string, string]> = [
      ['peers', 'no peers'],
      ['files', 'no files'],
      ['cancel 3', 'error: no running transfer #3'],
      ['rebuild nohost', 'error: rebuild needs HOST:PORT'],
      ['fetch nothing.bin', 'error: cannot fetch nothing.bin: no peer is known to have'],
      ['refresh', 'no peers'],
      ['help', 'add PATH             share a file or every file under a directory'],
    ];
    for (const [command, answer] of answers) {
      const since = lines.length;
      input.write(`${command}\n`);
      await eventually(
        () => lines.slice(since).some((line) => line.startsWith(answer)),
        () => `"${answer}" after ${command}; got ${JSON.stringify(lines.slice(since))}`,
      );
    }
    assert.ok(lines.some((line) => / info  refresh: 0 of 0 peer\(s\) alive$/.test(line)));
    input.write('quit\npeers\n');
    await finished;
    assert.equal(node.isOpen, false);
    assert.match(lines.at(-1) ?? '', / info  node closed$/, 'nothing runs after quit');
  });

  test('a signal is handled from the moment it is called', async (t) => {
    const node = await testNetwork(t).startNode();
    const signals = new EventEmitter();
    const records: string[] = [];
    const finished = runHeadless(new FilerApp(node), {
      json: true,
      verbose: false,
      write: (line) => records.push(line),
      signals,
    });
    signals.emit('SIGTERM');
    await finished;
    assert.equal(node.isOpen, false);
    assert.equal(signals.listenerCount('SIGTERM'), 0, 'the handlers are gone');
    assert.equal(signals.listenerCount('SIGINT'), 0);
    const messages = records.map(
      (line) => (JSON.parse(line) as {message?: string}).message,
    );
    assert.deepEqual(messages.slice(-2), [
      'quitting: sending QUIT to 0 peer(s)',
      'node closed',
    ]);
  });
});
