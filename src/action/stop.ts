// One error type means "this run stops here"; runAction catches it once.

export type StopKind =
  /** Nothing for this run to do: said in the log, the job succeeds. */
  | 'nothing'
  /** Another run holds the session: a notice, output status `skipped`. */
  | 'skipped'
  /** A person may not do what they asked: a notice, the job succeeds. */
  | 'refused'
  /** Something a person must fix: the job fails. */
  | 'failed';

export class StopRun extends Error {
  override name = 'StopRun';
  constructor(
    message: string,
    readonly kind: StopKind,
  ) {
    super(message);
  }
}
