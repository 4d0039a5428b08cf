import {render, type Instance} from 'ink';
import type {FilerNode} from '../node/filer-node.js';
import {App} from './components/App.js';

/** Renders the App on the process's terminal; Ctrl-C is the App's to handle. */
export function mountApp(node: FilerNode, verbose: boolean): Instance {
  return render(<App node={node} verbose={verbose} />, {exitOnCtrlC: false, maxFps: 30});
}
