/**
 * Herald's error type. Every module's failures carry a stable `code` (for logs and tests),
 * a message for the operator (URL, status, feed) and a short `userMessage` a person in chat can act on.
 */
export class HeraldError extends Error {
  readonly code: string;
  readonly userMessage: string;

  constructor(code: string, message: string, options: { userMessage?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HeraldError';
    this.code = code;
    this.userMessage = options.userMessage ?? message;
  }
}

/** The text to show a user for any thrown value: a HeraldError's own, otherwise a generic one. */
export function userMessageOf(error: unknown): string {
  return error instanceof HeraldError ? error.userMessage : 'Something went wrong on our side; the operator has the details in the log.';
}

/**
 * What is wrong with an input, as the person who gave it should read it, or undefined when `check` accepts it:
 * the validators the config loader takes (a rule's, a template's) are checks that throw.
 */
export function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return error instanceof HeraldError ? error.userMessage : String(error);
  }
}

/** The technical message of any thrown value, for logs and operator messages. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
