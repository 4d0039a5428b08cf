/**
 * Bytes per second the UI writes to its terminal, as mounted by the CLI
 * (screen writer included), over a window of `seconds` after the first
 * frames have settled: what an SSH link has to carry.
 */
import {setTimeout as delay} from 'node:timers/promises';
import type {AppSession} from '../source/app/session.js';
import {mountApp} from '../source/ui/terminal/mount-app.js';
import {FakeStdin, FakeStdout} from './ui-terminal.js';

export type WireOptions = {
  columns: number;
  rows: number;
  seconds: number;
  settleMs?: number;
};

export async function measureWireBytes(
  session: AppSession,
  {columns, rows, seconds, settleMs = 1_500}: WireOptions,
): Promise<{bytesPerSecond: number; writesPerSecond: number}> {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const {instance} = mountApp(session, {
    verbose: false,
    stdout,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout(columns, rows) as unknown as NodeJS.WriteStream,
  });
  try {
    await delay(settleMs);
    const bytes = stdout.bytes;
    const writes = stdout.frameCount;
    await delay(seconds * 1000);
    return {
      bytesPerSecond: (stdout.bytes - bytes) / seconds,
      writesPerSecond: (stdout.frameCount - writes) / seconds,
    };
  } finally {
    instance.unmount();
    instance.cleanup();
    stdin.end();
  }
}
