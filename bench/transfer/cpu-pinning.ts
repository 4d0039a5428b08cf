/**
 * Pinning the two ends of a transfer to different CPUs (taskset). On a small
 * VM the scheduler sometimes puts sender and receiver on one core, which halves
 * a round's rate at random; pinned, rounds agree, for the kernel copy and for
 * filer-tui alike.
 *
 * Every sender runs on CPU 0 and every receiver that only moves bytes (the
 * kernel copy, a plain FGET fetch) on CPU 1: one core for each end. A
 * receiver that verifies also hashes every byte, on a thread of its own, and
 * one core cannot both receive at disk speed (~2 GB/s) and hash (~1.4 GB/s):
 * together they top out near 0.8 GB/s. So a verifying receiver may use every
 * CPU (its hashing thread shares CPU 0 with the sender, its receive loop
 * keeps CPU 1). That is the machine a user has, and the sender still has only
 * CPU 0, so the sender is not helped; the goal it is held to is the lower of
 * the kernel copy and one core's SHA-256 rate, which no second core raises.
 */
import {spawnSync} from 'node:child_process';
import os from 'node:os';

/** taskset CPU lists ("0", "1", "0-1"). */
export type Pinning = {sender: string; receiver: string; verifyingReceiver: string};

/** As above, when taskset exists and there are 2+ CPUs. */
export function choosePinning(wanted: boolean): Pinning | undefined {
  const cpus = os.cpus().length;
  if (!wanted || os.platform() !== 'linux' || cpus < 2) return undefined;
  const probe = spawnSync('taskset', ['-c', '0', 'true'], {stdio: 'ignore'});
  return probe.status === 0
    ? {sender: '0', receiver: '1', verifyingReceiver: `0-${cpus - 1}`}
    : undefined;
}

/** The command line that runs `command` on the CPU list `cpus` (taskset execs it: same pid). */
export function onCpu(
  cpus: string | undefined,
  command: string,
  args: string[],
): [string, string[]] {
  return cpus === undefined
    ? [command, args]
    : ['taskset', ['-c', cpus, command, ...args]];
}
