/**
 * Purpose-bound tokens (CONTRACT §8). Each purpose has its own JWT audience, so a token minted
 * for one purpose is refused for any other even when the secrets are shared:
 * - `fastapi-users:auth`: access tokens of the JWT strategy (emitted as an array);
 * - `fastapi-users:reset`: reset tokens `{sub, password_fgpt}`;
 * - `fastapi-users:verify`: verification tokens `{sub, email}`;
 * - `fastapi-users:oauth-state`: OAuth2 state tokens.
 *
 * A reset token is single-use through its password fingerprint: it is bound to the stored
 * hash, so it dies as soon as the password (hence the hash) changes. FastAPI Users stores an
 * argon2 (or, before v13, bcrypt) hash *of the hash*; we store an HMAC of the hash under the
 * reset secret, which is as binding and costs microseconds instead of a password hash on every
 * forgot-password (CONTRACT, deliberate difference 9). Upstream fingerprints are still accepted,
 * so reset links mailed by a FastAPI Users deployment survive the migration.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { UnknownHashError } from './errors.ts'
import type { JwtKeys } from './jwt/keys.ts'
import type { PasswordHasher } from './password.ts'

export const AUTH_AUDIENCE = 'fastapi-users:auth'
export const RESET_PASSWORD_AUDIENCE = 'fastapi-users:reset'
export const VERIFY_AUDIENCE = 'fastapi-users:verify'
export const OAUTH_STATE_AUDIENCE = 'fastapi-users:oauth-state'

const FINGERPRINT_PREFIX = 'hmac-sha256:'
const FINGERPRINT_CONTEXT = 'fastify-users password fingerprint\0'

/** The fingerprint of a stored password hash, to put in a reset token. */
export function passwordFingerprint(hashedPassword: string, keys: JwtKeys): string {
  return FINGERPRINT_PREFIX + hmac(hashedPassword, keys).toString('base64url')
}

/**
 * Whether a reset token's fingerprint matches the user's current password hash, in our format
 * or in FastAPI Users' (a password hash of the hash).
 */
export async function fingerprintMatches(
  fingerprint: string,
  hashedPassword: string,
  keys: JwtKeys,
  passwordHelper: PasswordHasher,
): Promise<boolean> {
  if (fingerprint.startsWith(FINGERPRINT_PREFIX)) {
    const given = Buffer.from(fingerprint.slice(FINGERPRINT_PREFIX.length), 'base64url')
    const expected = hmac(hashedPassword, keys)
    // Compare in constant time so that the response time does not reveal how many bytes matched.
    return given.length === expected.length && timingSafeEqual(given, expected)
  }
  try {
    const { verified } = await passwordHelper.verifyAndUpdate(hashedPassword, fingerprint)
    return verified
  } catch (error) {
    if (error instanceof UnknownHashError) return false
    throw error
  }
}

function hmac(hashedPassword: string, keys: JwtKeys): Buffer {
  // Reset tokens are HS256, as upstream: their signing key is the shared reset secret.
  return createHmac('sha256', keys.signingKey!).update(FINGERPRINT_CONTEXT).update(hashedPassword).digest()
}
