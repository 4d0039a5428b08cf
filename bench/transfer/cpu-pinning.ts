/**
 * Pinning the two ends of a transfer to different CPUs (taskset). On a small
 * VM the scheduler sometimes puts sender and receiver on one core, which halves
 * a round's rate at random; pinned, rounds agree, for the kernel copy and for
 * filer-tui alike. Each end then has one core for all its threads.
 */
import {spawnSync} from 'node:child_process';
import os from 'node:os';

export type Pinning = {sender: number; receiver: number};

/** Senders on CPU 0, receivers on CPU 1, when taskset exists and there are 2+ CPUs. */
export function choosePinning(wanted: boolean): Pinning | undefined {
  if (!wanted || os.platform() !== 'linux' || os.cpus().length < 2) return undefined;
  const probe = spawnSync('taskset', ['-c', '0', 'true'], {stdio: 'ignore'});
  return probe.status === 0 ? {sender: 0, receiver: 1} : undefined;
}

/** The command line that runs `command` on `cpu` (taskset execs it: same pid). */
export function onCpu(
  cpu: number | undefined,
  command: string,
  args: string[],
): [string, string[]] {
  return cpu === undefined
    ? [command, args]
    : ['taskset', ['-c', String(cpu), command, ...args]];
}
