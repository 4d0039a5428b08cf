/** Failures of a transfer that are not about framing, each one line for a person. */
import {FilerError, systemErrorCode} from '../../protocol/errors.js';

/** Writing the received bytes failed: this machine's problem, not the source's. */
export class DiskWriteError extends FilerError {
  constructor(file: string, cause: unknown) {
    const code = systemErrorCode(cause);
    const reason =
      code === 'ENOSPC'
        ? 'no space left on the device'
        : code === 'EDQUOT'
          ? 'disk quota exceeded'
          : `write failed (${code ?? String(cause)})`;
    super('ERR_DISK_WRITE', `cannot write ${file}: ${reason}`, {cause});
  }
}

/** The disk took no bytes for a long time (the source was waiting on us). */
export class DiskStallError extends FilerError {
  constructor(file: string, stallMs: number) {
    super('ERR_DISK_STALL', `writing ${file} made no progress for ${stallMs} ms`);
  }
}

/** A source kept sending after the body it announced. */
export class ExtraBytesError extends FilerError {
  constructor(peer: string) {
    super('ERR_EXTRA_BYTES', `peer ${peer} sent bytes after the end of the file`);
  }
}

/** Not enough free space for what is left to fetch. */
export class NoSpaceError extends FilerError {
  constructor(directory: string, needed: number, free: number) {
    super(
      'ERR_NO_SPACE',
      `not enough free space in ${directory}: ${needed} bytes to fetch, ${free} free`,
    );
  }
}

/** The bytes fetched are not the content the sources announced. */
export class ContentMismatchError extends FilerError {
  constructor(name: string, sources: readonly string[]) {
    super(
      'ERR_CONTENT_MISMATCH',
      `${name} from ${sources.join(', ')} does not match its announced SHA-256; the data was thrown away`,
    );
  }
}

/** The abort reason when the node closes: unlike a cancel, it keeps the part for resume. */
export class NodeClosingError extends FilerError {
  constructor() {
    super('ERR_CLOSING', 'the node is closing; the part file is kept for resume');
  }
}
