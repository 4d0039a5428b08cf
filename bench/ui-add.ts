/**
 * Adding a big directory while the UI runs: the longest the event loop was
 * held (no key handled, no frame drawn) and how long the add took, with the
 * App mounted on a fake terminal over the node.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {monitorEventLoopDelay, performance} from 'node:perf_hooks';
import type {FilerNode} from '../source/node/filer-node.js';
import {FilerApp} from '../source/app/filer-app.js';
import {mountApp} from '../source/ui/terminal/mount-app.js';
import {FakeStdin, FakeStdout} from './ui-terminal.js';

export type AddFigures = {
  files: number;
  seconds: number;
  longestStallMs: number;
  frames: number;
};

/** `folders` folders of `perFolder` files each, the same names in every folder. */
export async function measureBigAdd(
  node: FilerNode,
  directory: string,
  {folders, perFolder}: {folders: number; perFolder: number},
): Promise<AddFigures> {
  for (let folder = 0; folder < folders; folder++) {
    const dir = path.join(directory, `folder-${folder}`);
    await fs.mkdir(dir, {recursive: true});
    for (let index = 0; index < perFolder; index++) {
      await fs.writeFile(path.join(dir, `photo-${index}.jpg`), '');
    }
  }
  const stdout = new FakeStdout(120, 40);
  const stdin = new FakeStdin();
  const {instance} = mountApp(new FilerApp(node), {
    verbose: false,
    stdout,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout(120, 40) as unknown as NodeJS.WriteStream,
  });
  const delay = monitorEventLoopDelay({resolution: 10});
  const framesBefore = stdout.frameCount;
  try {
    delay.enable();
    const start = performance.now();
    const added = await node.addShare(directory);
    const seconds = (performance.now() - start) / 1000;
    delay.disable();
    return {
      files: added.length,
      seconds,
      longestStallMs: delay.max / 1e6,
      frames: stdout.frameCount - framesBefore,
    };
  } finally {
    instance.unmount();
    instance.cleanup();
    stdin.end();
  }
}
