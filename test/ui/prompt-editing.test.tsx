/**
 * Issue 10 #1 in the rendered App: keys that arrive together (fast typing,
 * key repeat, a paste over SSH) each edit the prompt, in order, and the box
 * keeps its width whatever characters are typed.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import stringWidth from 'string-width';
import type {AppCommand} from '../../source/app/commands.js';
import {FakeSession} from '../support/fake-session.js';
import {KEY, lineWith, renderApp} from '../support/ui-harness.js';

const SIZE = {columns: 80, rows: 24};

async function searchPrompt() {
  const session = new FakeSession();
  session.answer = (command: AppCommand) =>
    command.kind === 'search'
      ? {ok: true, kind: 'search', key: command.key, asked: 0}
      : {ok: false, code: 'ERR_FAKE', message: 'not scripted'};
  const app = await renderApp(session, SIZE);
  await app.press('s');
  await app.waitForFrame((frame) => frame.includes('Search for:'), 'the search prompt');
  return {session, app};
}

function fieldText(frame: string): string {
  return (lineWith(frame, 'Search for:').split('Search for: ')[1] ?? '').replace(
    /\s*[│║]$/u,
    '',
  );
}

/** Every line of the frame is exactly as wide as the terminal. */
function assertSquare(frame: string): void {
  for (const line of frame.split('\n')) {
    if (/^[│║╭╔╰╚]/u.test(line)) {
      assert.equal(stringWidth(line), SIZE.columns, `line ${JSON.stringify(line)}`);
    }
  }
}

test('three Backspaces in one burst delete three characters', async (t) => {
  const {session, app} = await searchPrompt();
  t.after(() => app.unmount());
  await app.type('abcdef');
  await app.waitForFrame((frame) => fieldText(frame) === 'abcdef', 'abcdef typed');
  await app.type('\u007F\u007F\u007F');
  const frame = await app.waitForFrame((text) => fieldText(text) === 'abc', 'abc left');
  assertSquare(frame);
  await app.type('\r');
  await app.waitForFrame((text) => !text.includes('Search for:'), 'the prompt closed');
  assert.deepEqual(session.commands, [{kind: 'search', key: 'abc'}], 'no DEL bytes sent');
});

test('Left Left in one burst moves twice; Ctrl-U, Ctrl-W, Ctrl-A, Ctrl-E edit', async (t) => {
  const {session, app} = await searchPrompt();
  t.after(() => app.unmount());
  await app.type('share');
  await app.type(`${KEY.left}${KEY.left}`);
  await app.type('X');
  await app.waitForFrame((frame) => fieldText(frame) === 'shaXre', 'X two to the left');
  await app.type('\u0005 two words\u0017\u0017\u007F');
  await app.waitForFrame(
    (frame) => fieldText(frame) === 'shaXre',
    'Ctrl-E, Ctrl-W ×2, Backspace',
  );
  await app.type('\u0001>\u0005<');
  await app.waitForFrame((frame) => fieldText(frame) === '>shaXre<', 'Ctrl-A, Ctrl-E');
  await app.type('\u0015new\r');
  await app.waitForFrame((text) => !text.includes('Search for:'), 'the prompt closed');
  assert.deepEqual(session.commands, [{kind: 'search', key: 'new'}]);
});

test('a CJK or emoji key keeps the box square, in the prompt and the pane title', async (t) => {
  const {session, app} = await searchPrompt();
  t.after(() => app.unmount());
  await app.type('日本語の👍🏽');
  assertSquare(
    await app.waitForFrame((frame) => fieldText(frame) === '日本語の👍🏽', 'typed'),
  );
  await app.type('\r');
  const key = '日本語の👍🏽';
  session.emit(
    {event: 'search-started', key, ttl: 2},
    {search: {key, ttl: 2, startedAt: 0, names: []}},
  );
  assertSquare(
    await app.waitForFrame(
      (frame) => frame.includes('for "日本語の👍🏽"'),
      'the search key in the Files title',
    ),
  );
});
