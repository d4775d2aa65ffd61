// A refusal or a missing prerequisite of `samocode init` or `doctor`: the
// message says what to do, so no stack trace follows it.
export class SetupError extends Error {
  override name = 'SetupError';
}
