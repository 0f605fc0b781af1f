/** Runs `run` and returns the error it throws, which must be of `type`; fails the test when nothing is thrown. */
export function catchError<E extends Error>(run: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
