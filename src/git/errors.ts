// What can stop the session branch, as types: the entries tell them apart by class.

export class BranchConflictError extends Error {
  override name = 'BranchConflictError';
  constructor(
    message: string,
    readonly backupBranch: string | null,
  ) {
    super(message);
  }
}

/** Another run took the session first; this one stops without touching it. */
export class AnotherRunError extends BranchConflictError {
  override name = 'AnotherRunError';
}
