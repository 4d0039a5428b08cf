import type {FilerNode} from '../node/filer-node.js';

export type RunUiOptions = {start: () => Promise<void>; verbose: boolean};

/** Placeholder until the Ink app lands (issue 3). */
export async function runUi(node: FilerNode, options: RunUiOptions): Promise<void> {
  void options;
  await node.close();
  throw new Error('terminal UI not built yet; use --headless');
}
