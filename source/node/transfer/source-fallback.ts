/**
 * Which owners a fetch tries, and what a failed attempt means for the next
 * one: a policy of its own, testable without sockets.
 */
import {PeerUnreachableError, TransferCancelledError} from '../../protocol/errors.js';

/** The owner asked for, else every known owner in the order they were learned. */
export function sourcesToTry(
  knownOwners: readonly string[],
  chosenOwner?: string,
): string[] {
  return chosenOwner ? [chosenOwner] : [...knownOwners];
}

export type AfterFailure = {
  /** Try the next source, or stop here. */
  next: boolean;
  /** The source is gone: forget it as an owner of this name. */
  dropOwner: boolean;
};

export function afterFailure(error: unknown): AfterFailure {
  if (error instanceof TransferCancelledError) return {next: false, dropOwner: false};
  return {next: true, dropOwner: error instanceof PeerUnreachableError};
}
