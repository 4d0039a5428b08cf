/**
 * `npm run bench:ui -- --attached`: the App fed over a real control socket
 * (ControlServer → JSON lines → RemoteSession), as an attached UI is, to
 * compare its key-to-frame latency with the in-process session's.
 */
import path from 'node:path';
import type {AppSession} from '../source/app/session.js';
import {socketPathFor} from '../source/daemon/control-dir.js';
import {ControlServer} from '../source/daemon/control-server.js';
import {RemoteSession} from '../source/daemon/remote-session.js';

export type Attached = {session: RemoteSession; close: () => Promise<void>};

/** Serves `app` on a socket under `tmp` and attaches to it as a UI would. */
export async function attachOverSocket(app: AppSession, tmp: string): Promise<Attached> {
  const server = new ControlServer({session: app, keepRunning: true});
  await server.listen(socketPathFor(1, path.join(tmp, 'filer-tui')));
  const session = await RemoteSession.attach(server.socketPath ?? '', {ui: true});
  return {
    session,
    close: async () => {
      session.close();
      await server.close();
    },
  };
}
