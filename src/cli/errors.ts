/**
 * The command line's own error: a usage mistake (the library throws `PlxkitError`s instead).
 *
 * @module
 */

/** A command-line usage mistake: the CLI prints it with a hint and exits 2. */
export class UsageError extends TypeError {
  /** A usage error; `message` is what the CLI prints. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
