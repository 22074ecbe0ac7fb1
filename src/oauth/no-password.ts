/**
 * The password hash of a user without a password: users that an OAuth sign-in created, and
 * users taken over from a pre-hijacker. It is a well-formed argon2id hash (FastAPI Users and
 * every verifier read it, and verifying it costs what any failed login costs) whose digest is
 * all zero bytes, which no password produces; its fixed salt makes it recognisable, so that
 * unlinking a provider account can tell whether the user would still have a way to log in.
 * A password reset or change replaces it like any hash. Users that an OAuth sign-in created
 * before this marker existed hold a hash of a random password, and count as having one.
 */
import type { UserRecord } from '../user.ts'

export const NO_PASSWORD_HASH = `$argon2id$v=19$m=19456,t=2,p=1$${Buffer.from('fastify-users/np').toString('base64').replace(/=+$/, '')}$${'A'.repeat(43)}`

/**
 * Whether the user has a password of its own.
 *
 * @example
 * if (!hasPassword(user) && otherLinks.length === 0) throw new OAuthLastLoginMethodError()
 */
export function hasPassword(user: UserRecord): boolean {
  return user.hashed_password !== NO_PASSWORD_HASH
}
