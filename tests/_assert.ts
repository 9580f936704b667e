/**
 * Test assertions on `node:assert/strict` (JSR's @std/assert is unreachable here).
 *
 * @module
 */
import assert from "node:assert/strict";

/** Deep strict equality (NaN equals NaN, -0 differs from 0 in Object.is sense). */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

/** Truthiness. */
export function assertOk(value: unknown, message?: string): asserts value {
  assert.ok(value, message);
}

function checkError(e: unknown, cls?: new (...a: never[]) => Error, includes?: string): Error {
  if (cls) assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
  if (includes) {
    assert.ok(
      String((e as Error).message).includes(includes),
      `"${(e as Error).message}" lacks "${includes}"`,
    );
  }
  return e as Error;
}

/** `fn` throws an error of class `cls` whose message includes `includes`. */
export function assertThrows(
  fn: () => unknown,
  cls?: new (...a: never[]) => Error,
  includes?: string,
): Error {
  try {
    fn();
  } catch (e) {
    return checkError(e, cls, includes);
  }
  throw new assert.AssertionError({ message: "expected a throw" });
}

/** `fn` rejects with an error of class `cls` whose message includes `includes`. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  cls?: new (...a: never[]) => Error,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return checkError(e, cls, includes);
  }
  throw new assert.AssertionError({ message: "expected a rejection" });
}
