import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
  MAX_FORWARD_TTL,
  planCompatibleQuery,
  planQuery,
} from '../../source/node/search/query-plan.js';

const SELF = '10.0.0.1:9000';
const query = (key: string, ttl: number) => ({returnPeerId: '10.0.0.9:1', key, ttl});

describe('planQuery (filer mode)', () => {
  test('one RESP per matching local file, and the query still travels on', () => {
    assert.deepEqual(planQuery(query('so', 4), ['my%20song.mp3', 'song2'], SELF), {
      responses: [
        {wireName: 'my%20song.mp3', ownerPeerId: SELF},
        {wireName: 'song2', ownerPeerId: SELF},
      ],
      cut: false,
      forward: query('so', 3),
    });
  });

  test('answers up to the bound and says the answer was cut', () => {
    const names = Array.from({length: 10}, (_, index) => `x${index}`);
    const plan = planQuery(query('x', 4), names, SELF, 4);
    assert.deepEqual(
      plan.responses.map((response) => response.wireName),
      ['x0', 'x1', 'x2', 'x3'],
    );
    assert.equal(plan.cut, true);
    assert.equal(planQuery(query('x', 4), names.slice(0, 4), SELF, 4).cut, false);
  });

  test('forwards with one less ttl, never more than the cap; not at ttl 0', () => {
    assert.deepEqual(planQuery(query('x', 1_000_000), [], SELF).forward, {
      ...query('x', MAX_FORWARD_TTL),
    });
    assert.deepEqual(planQuery(query('x', 0), ['x'], SELF), {
      responses: [{wireName: 'x', ownerPeerId: SELF}],
      cut: false,
    });
  });
});

describe('planCompatibleQuery (the original)', () => {
  test('the first match is answered and the query stops there', () => {
    const first = {wireName: 'a', ownerPeerId: '10.0.0.5:1'};
    assert.deepEqual(planCompatibleQuery(query('a', 4), first), {
      responses: [first],
      cut: false,
    });
  });

  test('no match: forwarded with one less ttl, dropped at 0', () => {
    assert.deepEqual(
      planCompatibleQuery(query('a', 2), undefined).forward,
      query('a', 1),
    );
    assert.equal(planCompatibleQuery(query('a', 0), undefined).forward, undefined);
  });
});
