/**
 * The kernel baseline: kernel-copy.py moves the same file over loopback with
 * sendfile(2) on the sender and, on the receiver, either recv_into a reused
 * 1 MiB buffer + write(2) ("recv", the baseline) or splice(2) socket
 * -> pipe -> file ("splice", no copy through user memory; what filer-tui's
 * zero-copy receiver does), timed like a filer fetch: request sent -> file
 * written and closed.
 */
import {fileURLToPath} from 'node:url';
import type {Pinning} from './cpu-pinning.js';
import {cpuSpent, LineProcess, type CpuSeconds} from './line-process.js';

const SCRIPT = fileURLToPath(new URL('kernel-copy.py', import.meta.url));
const PYTHON = process.env.PYTHON ?? 'python3';

export type KernelMethod = 'recv' | 'splice';

export type KernelCopy = {
  method: KernelMethod;
  seconds: number;
  bytes: number;
  senderPeakRss?: number;
  receiverPeakRss?: number;
  senderCpu?: CpuSeconds;
  receiverCpu?: CpuSeconds;
};

export async function kernelCopy(
  source: string,
  target: string,
  pinning: Pinning | undefined,
  /** Runs once both ends are ready, just before the clock starts. */
  beforeStart: () => void = () => undefined,
  method: KernelMethod = 'recv',
): Promise<KernelCopy> {
  const sender = new LineProcess('kernel sender', PYTHON, [SCRIPT, 'serve', source], {
    cpu: pinning?.sender,
  });
  let receiver: LineProcess | undefined;
  try {
    const listening = await sender.waitFor((line) => line.event === 'listening');
    receiver = new LineProcess(
      'kernel receiver',
      PYTHON,
      [SCRIPT, 'fetch', String(listening.port), target, method],
      {cpu: pinning?.receiver},
    );
    await receiver.waitFor((line) => line.event === 'ready');
    beforeStart();
    const cpuBefore = [sender.cpuSeconds(), receiver.cpuSeconds()];
    const started = process.hrtime.bigint();
    receiver.send('go');
    const done = await receiver.waitFor((line) => line.event === 'done', {
      timeoutMs: 600_000,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const receiverCpu = cpuSpent(cpuBefore[1], receiver.cpuSeconds());
    await sender.waitFor((line) => line.event === 'sent');
    const senderCpu = cpuSpent(cpuBefore[0], sender.cpuSeconds());
    return {
      method,
      ...(senderCpu ? {senderCpu} : {}),
      ...(receiverCpu ? {receiverCpu} : {}),
      seconds,
      bytes: Number(done.bytes),
      senderPeakRss: sender.peakRss(),
      receiverPeakRss: receiver.peakRss(),
    };
  } finally {
    await Promise.all([sender.stop(), receiver?.stop()]);
  }
}
