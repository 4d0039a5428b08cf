import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Neighbourhood} from '../../source/node/overlay/neighbourhood.js';
import type {PeerInfo} from '../../source/node/types.js';

const peer = (id: string): PeerInfo => ({id, host: id, port: 1});

test('near is itself, a neighbour or a neighbour of one; a peer listing one of them is near too', async () => {
  const lists: Record<string, string[]> = {a: ['self', 'c'], b: ['self', 'd']};
  const asked: string[] = [];
  const neighbourhood = new Neighbourhood({
    selfId: 'self',
    neighbours: () => [peer('a'), peer('b')],
    listOf: async ({id}) => {
      asked.push(id);
      return lists[id] ?? [];
    },
    maxLists: 8,
  });
  assert.equal(await neighbourhood.isFar('a', []), false);
  assert.equal(await neighbourhood.isFar('c', ['x']), false);
  assert.equal(await neighbourhood.isFar('x', ['y', 'd']), false, 'x–d–b–self: 3 hops');
  assert.equal(await neighbourhood.isFar('x', ['y', 'z']), true);
  assert.deepEqual(asked, ['a', 'b'], 'each neighbour is listed once');
});

test('an unlimited peer list is not listed beyond maxLists', async () => {
  const asked: string[] = [];
  const neighbourhood = new Neighbourhood({
    selfId: 'self',
    neighbours: () => Array.from({length: 10}, (_, n) => peer(`n${n}`)),
    listOf: async ({id}) => {
      asked.push(id);
      return [];
    },
    maxLists: 3,
  });
  assert.equal(await neighbourhood.isFar('x', []), true);
  assert.equal(asked.length, 3);
});
