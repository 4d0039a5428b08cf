import {describeError} from '../protocol/errors.js';

/** Why a node could not open its port, in one line. */
export function openFailure(error: unknown, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `port ${port} is already in use; pick another port`;
  if (code === 'EACCES')
    return `no permission to listen on port ${port}; use a port above 1023`;
  return describeError(error);
}
