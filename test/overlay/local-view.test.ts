import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ballAround, LocalView} from '../../source/node/overlay/local-view.js';

/** Undirected lists from edges "a-b". */
function listsOf(edges: string[]): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const edge of edges) {
    const [a = '', b = ''] = edge.split('-');
    lists.set(a, [...(lists.get(a) ?? []), b]);
    lists.set(b, [...(lists.get(b) ?? []), a]);
  }
  return lists;
}

test('ballAround counts hops and never passes the avoided node', () => {
  const lists = listsOf(['a-b', 'b-c', 'c-d', 'a-x', 'x-y']);
  assert.deepEqual([...ballAround(lists, 'a', 2)].sort(), ['a', 'b', 'c', 'x', 'y']);
  assert.deepEqual([...ballAround(lists, 'a', 3, 'b')].sort(), ['a', 'x', 'y']);
});

test('the neighbour in a triangle is redundant; one on a tree is not', () => {
  // s–a–b–s is a triangle; s–t leads to a tree.
  const lists = listsOf(['s-a', 's-b', 'a-b', 'a-p', 'b-q', 's-t', 't-u', 't-v']);
  const view = new LocalView('s', ['a', 'b', 't'], lists);
  assert.equal(view.overlap('t'), 0);
  // Within 2 of a (not through s): a, b, p, q; s reaches b and q without a.
  assert.equal(view.overlap('a'), 2);
  assert.deepEqual(view.mostRedundant(['t']), undefined);
  assert.deepEqual(view.mostRedundant(['t', 'a', 'b']), {id: 'a', overlap: 2});
  assert.deepEqual([...view.within(1)].sort(), ['a', 'b', 's', 't']);
  // A far peer whose neighbourhood s does not reach instead of a: no overlap.
  assert.equal(view.overlapInstead('a', ['f', 'g', 'h']), 0);
  // One whose neighbourhood holds q (2 hops through b) and u (through t): 2.
  assert.equal(view.overlapInstead('a', ['f', 'q', 'u']), 2);
});
