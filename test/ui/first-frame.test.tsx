/**
 * Issue 10 #8: the plain first frame written while Ink loads has the layout
 * of the App's own first frame, so the screen does not jump when it takes over.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {showEarlyFrame} from '../../source/ui/terminal/early-frame.js';
import {firstFrame} from '../../source/ui/terminal/first-frame.js';
import {FakeSession} from '../support/fake-session.js';
import {renderApp} from '../support/ui-harness.js';

/** Where each line has box-drawing characters, and which. */
function borders(frame: string): string[] {
  return frame.split('\n').map((line) =>
    [...line]
      .map((char) => (/[╔═╗║╚╝╭─╮│╰╯]/u.test(char) ? char : ' '))
      .join('')
      .trimEnd(),
  );
}

for (const size of [
  {columns: 80, rows: 24},
  // ink-testing-library's terminal is 100 columns wide.
  {columns: 100, rows: 40},
  {columns: 60, rows: 15},
]) {
  test(`at ${size.columns}x${size.rows} the plain first frame has the App's borders and titles`, async (t) => {
    const session = new FakeSession();
    const app = await renderApp(session, size);
    t.after(() => app.unmount());
    const frame = await app.waitForFrame(
      (text) => text.includes('Available Files'),
      'the App',
    );
    const plain = firstFrame(size, {
      id: '127.0.0.1:9000',
      maxPeers: 5,
      downloadDir: '/tmp',
    });
    assert.deepEqual(borders(plain), borders(frame));
    const titles = (text: string): string[] =>
      text.match(/(Available Files · 0|Peer List · 0\/5|Log · l reads it all)/gu) ?? [];
    assert.deepEqual(titles(plain), titles(frame));
    assert.equal(
      plain.split('\n').at(-1)?.trimEnd(),
      frame.split('\n').at(-1)?.trimEnd(),
      'the key bar',
    );
  });
}

test('the early frame is drawn at once; start-up lines wait for the shell screen', () => {
  const written: string[] = [];
  const out = {write: (text: string) => void written.push(text), columns: 80, rows: 24};
  const early = showEarlyFrame(out, {port: 9000, maxPeers: 5, downloadDir: '/tmp/dl'});
  assert.match(written.join(''), /^\u001B\[\?1049h/u, 'the alternate screen first');
  assert.match(written.join(''), /starting on port 9000.*Available Files/su);
  early.note('filer-tui: node started on port 9000');
  assert.equal(written.length, 1, 'nothing more while the frame shows');
  early.leave();
  assert.deepEqual(written.slice(1), [
    '\u001B[?1049l\u001B[?25h',
    'filer-tui: node started on port 9000\n',
  ]);
  early.leave();
  assert.equal(written.length, 3, 'once only');

  const handed: string[] = [];
  const other = showEarlyFrame(
    {write: (text: string) => void handed.push(text)},
    {port: 0, maxPeers: 0, downloadDir: '/x'},
  );
  other.handOver();
  other.leave();
  assert.equal(handed.length, 1, 'the UI restores the terminal itself once it took over');
});
