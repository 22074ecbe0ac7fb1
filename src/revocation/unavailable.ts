/**
 * A revocation that did not happen must not look like one that did: when a store fails while
 * ending a token (logout, log out everywhere, a refresh reuse), the request fails with
 * `ServiceUnavailableError` (503, `Retry-After`) and the client knows to try again, instead of
 * a 204 for a token that keeps working, or a 500. The same holds for reading revocation state:
 * a token whose state cannot be read is neither accepted nor called invalid.
 */
import { FastifyUsersError, ServiceUnavailableError } from '../errors.ts'

/**
 * The outcome of `work`, or a `ServiceUnavailableError` carrying the store's error as `cause`
 * (errors of the library itself pass through as they are).
 *
 * @example
 * await storeUnavailable(this.revocation.deny(key, payload.exp ?? null))
 */
export async function storeUnavailable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    throw error instanceof FastifyUsersError ? error : new ServiceUnavailableError({ cause: error })
  }
}
