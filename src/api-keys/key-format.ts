/**
 * What an API key looks like: `fuk_<id>_<secret>`. The `fuk_` prefix makes a leaked key easy to
 * recognise (secret scanners, logs) and tells the transport a bearer token is a key, not a JWT;
 * the id (16 random bytes, hex) names the stored record; the secret is 32 random bytes in
 * base64url (256 bits), and only its SHA-256 is stored.
 *
 * A fast hash is right here, unlike for passwords: a slow, salted hash exists to make guessing
 * a low-entropy secret costly, and a 256-bit random secret cannot be guessed however fast the
 * hash. SHA-256 is one-way, so whoever reads the table gets no usable key, and checking a key
 * costs microseconds on every request instead of the tens of milliseconds of a password hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const API_KEY_PREFIX = 'fuk_'

const KEY = /^fuk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/

/** A key as presented: the id that names its record, and the secret to check. */
export interface ParsedApiKey {
  id: string
  secret: string
}

/** A fresh key: its id, the full key shown once to its owner, and the hash stored. */
export interface NewApiKey {
  id: string
  key: string
  secretHash: string
}

/**
 * @example
 * const { id, key, secretHash } = newApiKey() // key: 'fuk_3f…_Xq…'
 */
export function newApiKey(): NewApiKey {
  const id = randomBytes(16).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  return { id, key: `${API_KEY_PREFIX}${id}_${secret}`, secretHash: hashSecret(secret) }
}

/** The id and secret of a well-formed key, or `null` for anything else. */
export function parseApiKey(value: string): ParsedApiKey | null {
  const match = KEY.exec(value)
  return match === null ? null : { id: match[1]!, secret: match[2]! }
}

/** What the owner is shown of a stored key to recognise it: everything but the secret. */
export function keyPrefix(id: string): string {
  return `${API_KEY_PREFIX}${id}_`
}

/** The stored form of a secret: its SHA-256, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Whether `secret` hashes to `secretHash`, in time independent of where they differ. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex')
  const stored = Buffer.from(secretHash, 'hex')
  return stored.length === presented.length && timingSafeEqual(presented, stored)
}
