/**
 * Opaque tokens, as FastAPI Users' database and Redis strategies make them:
 * `secrets.token_urlsafe()`, i.e. 32 random bytes in 43 base64url characters.
 *
 * How a store keeps them is a choice (`TokenStorage`):
 * - `sha256` (our default): the base64url SHA-256 of the token, also exactly 43 characters,
 *   so it fits FastAPI Users' `accesstoken.token` VARCHAR(43) column as is (a hex digest, 64
 *   characters, would not). Whoever reads the table or the Redis keys gets no usable token,
 *   since a token has 256 bits of entropy and SHA-256 cannot be inverted; no salt or slow hash
 *   is needed for that, and the lookup stays one indexed equality;
 * - `plain`: the token itself, as FastAPI Users stores it, to share a token table or Redis with
 *   a FastAPI Users deployment. A store is one or the other: accepting both would let a leaked
 *   hash be presented as a plain token, undoing the protection.
 */
import { createHash, randomBytes } from 'node:crypto'

export type TokenStorage = 'sha256' | 'plain'

const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{43}$/

/**
 * A new 43-character base64url token of 32 random bytes.
 *
 * @example
 * newOpaqueToken() // 'Xq3f…' (43 characters)
 */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * The SHA-256 of a string, in base64url (43 characters).
 *
 * @example
 * sha256Base64url('token') // 43 characters
 */
export function sha256Base64url(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

/**
 * What a store keeps for a presented token, or `null` when the string cannot be an opaque
 * token (so that garbage never reaches the store).
 *
 * @example
 * storedToken(token, 'sha256') // the token's SHA-256, base64url
 */
export function storedToken(token: string, storage: TokenStorage): string | null {
  if (!OPAQUE_TOKEN.test(token)) return null
  return storage === 'plain' ? token : sha256Base64url(token)
}

/** Refuses an unknown storage mode at start-up rather than at the first request. */
export function checkTokenStorage(storage: TokenStorage): TokenStorage {
  if (storage !== 'sha256' && storage !== 'plain') throw new TypeError(`tokenStorage must be 'sha256' or 'plain', not ${String(storage)}`)
  return storage
}

/**
 * `storedToken` remembered for the tokens seen last: with the auth cache a request of the
 * database or Redis strategy reads nothing else, and hashing the token was its largest part.
 * A token's stored form never changes, so nothing here goes stale; the oldest is dropped first.
 *
 * @example
 * const stored = new StoredTokens('sha256', 10_000)
 * stored.of(token) // the same as storedToken(token, 'sha256')
 */
export class StoredTokens {
  readonly #entries = new Map<string, string>()
  readonly #storage: TokenStorage
  readonly #maxEntries: number

  constructor(storage: TokenStorage, maxEntries: number) {
    this.#storage = storage
    this.#maxEntries = maxEntries
  }

  of(token: string): string | null {
    const known = this.#entries.get(token)
    if (known !== undefined) return known
    const stored = storedToken(token, this.#storage)
    if (stored === null || this.#maxEntries <= 0) return stored
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(token, stored)
    return stored
  }

  /** Tokens remembered now. */
  get size(): number {
    return this.#entries.size
  }
}
