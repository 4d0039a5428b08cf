/**
 * Issue 9 #2: peer ids, hosts, file names and ERRO texts reached the screen
 * unfiltered (a JOIN id retitled the tmux pane and cleared the screen, a RESP
 * carried an OSC 52 clipboard write, headless text mode printed raw ESC).
 * Now ids are validated at the door, and every peer string that reaches a
 * log line or headless output passes the one sanitiser.
 */
import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {test} from 'node:test';
import {FilerApp} from '../../source/app/filer-app.js';
import {runHeadless} from '../../source/headless/run-headless.js';
import {eventually} from '../support/eventually.js';
import {rawFrame, rawRequest} from '../support/raw-client.js';
import {sendAndLeave, startTarget} from './attack-kit.js';

/** Anything a terminal would act on, or that hides or reorders text. */
const RAW_CONTROL =
  /[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

const RETITLE = '\x1b]2;PWNED\x07\x1b[2J';
const CLIPBOARD = '\x1b]52;c;cHduZWQ=\x07';

test('hostile ids, names and error texts reach headless output only as visible escapes', async (t) => {
  const {node, network} = await startTarget(t, {sizeLookup: false});
  const input = new PassThrough();
  const lines: string[] = [];
  const finished = runHeadless(new FilerApp(node), {
    json: false,
    verbose: true,
    input,
    write: (line) => lines.push(line),
  });
  t.after(async () => {
    input.write('quit\n');
    await finished;
  });
  const reply = async (type: string, data: string | Buffer): Promise<string> => {
    const bytes = await rawRequest(node.port, rawFrame(type, data));
    return bytes.subarray(8).toString('utf8');
  };

  // JOIN ids with escapes, or of 60 KB, are refused before anything else.
  assert.equal(
    await reply('JOIN', `${RETITLE}:1 127.0.0.1 1`),
    'Join: incorrect arguments',
  );
  assert.equal(
    await reply('JOIN', `127.0.0.1:1 ${RETITLE} 1`),
    'Join: incorrect arguments',
  );
  assert.equal(
    await reply('JOIN', `${'x'.repeat(60_000)}:1 127.0.0.1 1`),
    'Join: incorrect arguments',
  );
  assert.deepEqual(node.peers(), []);

  // RESP: a clipboard write in the name, escapes in the owner, a bidi trick.
  await sendAndLeave(node.port, rawFrame('RESP', `a${CLIPBOARD}.txt 127.0.0.1:9`));
  await sendAndLeave(node.port, rawFrame('RESP', `fine.txt ${RETITLE}:9`));
  await sendAndLeave(node.port, rawFrame('RESP', `invoice_\u202egpj.exe 127.0.0.1:9`));
  await eventually(() => node.file('invoice_\u202egpj.exe'), 'the bidi name listed');
  assert.equal(node.file('fine.txt'), undefined);

  // FGET of a name made of escapes; an ERRO text with escapes from a contact.
  await reply('FGET', `${RETITLE}${CLIPBOARD}`.repeat(50));
  const contact = await network.startFakePeer({
    onRequest: (_request, socket) => socket.end(rawFrame('ERRO', `${RETITLE}denied`)),
  });
  input.write(`rebuild ${contact.id}\nfiles\npeers\n`);
  await eventually(
    () => lines.some((line) => line.startsWith('file invoice_')),
    () => `the files listing; got ${JSON.stringify(lines.slice(-5))}`,
  );
  await eventually(
    () => lines.some((line) => line.includes('cannot join through')),
    'the refused join in the log',
  );

  for (const line of lines) assert.doesNotMatch(line, RAW_CONTROL, JSON.stringify(line));
  const all = lines.join('\n');
  assert.ok(
    all.includes('invoice_\\u202egpj.exe'),
    'the bidi override is shown as an escape',
  );
  assert.ok(
    all.includes('\\x1b]2;PWNED\\x07'),
    'the retitle attempt is visible, not acted on',
  );
  assert.ok(
    node.recentLog().every((entry) => !RAW_CONTROL.test(entry.message)),
    'the node log is safe too',
  );
});
