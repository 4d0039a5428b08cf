/** The header: counters, the keep-running marker and the download folder on one line. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {Header} from '../../source/ui/components/Header.js';
import {stripAnsi} from '../support/ui-harness.js';

function headerText(keepsRunning: boolean, width = 120): string {
  const {lastFrame, unmount} = render(
    <Header
      id="127.0.0.1:9000"
      peers={2}
      maxPeers={5}
      shared={3}
      network={4}
      transfers={1}
      keepsRunning={keepsRunning}
      downloadDir="~/downloads"
      width={width}
    />,
  );
  const text = stripAnsi(lastFrame() ?? '');
  unmount();
  return text;
}

test('the header says when the node stays after the terminal closes', () => {
  const on = headerText(true);
  assert.match(on, /transfers 1 {2}keeps running {2}saves to ~\/downloads/);
  const off = headerText(false);
  assert.doesNotMatch(off, /keeps running/);
  assert.match(off, /transfers 1 {2}saves to ~\/downloads/);
});

test('the marker stays in view at 80 columns; the line is cut at its end', () => {
  const text = headerText(true, 80);
  assert.match(text, /transfers 1 {2}keeps running/);
  assert.ok(text.length <= 80, text);
});
