/** The main process's side of a benchmark worker: requests over IPC, answered by id. */
import {fork, type ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import type {Command, Reply} from './worker-protocol.js';

const SCRIPT = fileURLToPath(new URL('./worker.ts', import.meta.url));

export class Worker {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    {resolve: (value: unknown) => void; reject: (error: Error) => void}
  >();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.error === undefined) waiter.resolve(reply.value);
      else waiter.reject(new Error(reply.error));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.waiting.values()) {
        waiter.reject(new Error(`worker exited (${signal ?? code})`));
      }
      this.waiting.clear();
    });
  }

  static start(): Promise<Worker> {
    const child = fork(SCRIPT, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(new Worker(child)));
      child.once('exit', (code) =>
        reject(new Error(`worker exited (${code}) before it was ready`)),
      );
    });
  }

  ask<T = unknown>(command: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, {resolve: resolve as (value: unknown) => void, reject});
      this.child.send({id, command});
    });
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }
}
