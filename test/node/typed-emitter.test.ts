import assert from 'node:assert/strict';
import {test} from 'node:test';
import {FilerNode} from '../../source/node/filer-node.js';
import {TypedEmitter} from '../../source/node/typed-emitter.js';

type Events = {ping: [count: number]; pong: []};

class Part extends TypedEmitter<Events> {
  ping(count: number): void {
    this.emit('ping', count);
  }
}

class Facade extends TypedEmitter<Events> {
  constructor(part: Part) {
    super();
    this.relay<Events>(part, ['ping']);
  }
}

test('a listener leak is reported, not silenced', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const emitter = new Part();
  for (let index = 0; index <= 10; index++) emitter.on('ping', () => undefined);
  // process.emitWarning reports on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    warnings.map((warning) => warning.name),
    ['MaxListenersExceededWarning'],
  );
  assert.equal(emitter.listenerCount('ping'), 11);
});

test('relay re-emits a part event with its arguments', () => {
  const part = new Part();
  const facade = new Facade(part);
  const seen: number[] = [];
  facade.on('ping', (count) => seen.push(count));
  part.ping(3);
  part.ping(4);
  assert.deepEqual(seen, [3, 4]);
});

test('a node starts with no listeners of its own on its public events', () => {
  const node = new FilerNode({advertisedHost: '127.0.0.1'});
  for (const event of ['log', 'peer-added', 'file-added', 'transfer-done'] as const) {
    assert.equal(node.listenerCount(event), 0, event);
  }
});
