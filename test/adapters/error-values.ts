/**
 * Asserting that an adapter's error carries none of the values the failed write held: an
 * application logs the errors it catches, so a password hash, a token or an email in one would
 * end up in its logs. Every property is looked at, hidden ones (the stack, the message) and
 * nested ones (a driver's copy of the server's reply) included.
 */
import { inspect } from 'node:util'
import { expect } from 'vitest'

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  )
  expect(outcome, 'the write should have been refused').toBeInstanceOf(Error)
  return outcome as Error
}

const FRAGMENT = 20

/** Pieces of `value` that a message truncating it (PostgreSQL cuts at 64 bytes) would still show. */
function pieces(value: string): string[] {
  const found = [value]
  for (let start = 0; start + FRAGMENT < value.length; start += FRAGMENT / 2) found.push(value.slice(start, start + FRAGMENT))
  return found
}

/**
 * Fails when `error`, printed whole, shows any of `values`, or a part of one.
 *
 * @example
 * ```ts
 * expectNoValues(await rejection(users.update(user, { hashed_password: HASH, is_active: null })), [HASH])
 * ```
 */
export function expectNoValues(error: Error, values: string[]): void {
  const printed = inspect(error, { showHidden: true, depth: Infinity, breakLength: Infinity, maxStringLength: Infinity })
  for (const piece of values.flatMap(pieces)) {
    expect(printed, 'the printed error').not.toContain(piece)
    expect(String(error.stack), 'the stack').not.toContain(piece)
  }
}
