/**
 * Headless mode serves its app on a control socket too, so status, ctl and
 * events reach it. It lives as long as its stdin, so a UI that attaches and
 * goes never stops it; a socket that cannot be made is one warning, not a
 * failure.
 */
import type {AppSession} from '../app/session.js';
import {describeError} from '../protocol/errors.js';
import {controlDirPath, socketPathFor} from './control-dir.js';
import {ControlServer} from './control-server.js';

export async function serveHeadlessControl(
  session: AppSession,
  port: number,
  warn: (line: string) => void = (line) => process.stderr.write(`filer-tui: ${line}\n`),
): Promise<ControlServer | undefined> {
  const server = new ControlServer({session, keepRunning: true});
  try {
    await server.listen(socketPathFor(port, controlDirPath()));
    return server;
  } catch (error) {
    await server.close();
    warn(
      `no control socket (status, ctl and events cannot reach this node): ${describeError(error)}`,
    );
    return undefined;
  }
}
