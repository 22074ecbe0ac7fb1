/**
 * The manager's purpose-bound tokens (CONTRACT §8.2, §8.3): reset-password tokens
 * `{sub, password_fgpt}` and verification tokens `{sub, email}`, each minted and read under its
 * own secret and audience. Reading one answers its claims or throws the `bad` error of the
 * operation at hand; whether the user and the fingerprint still match is the manager's rule.
 */
import { InvalidTokenError, type UsersError } from './errors.ts'
import { importJwtKeys, type JwtKeys } from './jwt/keys.ts'
import { signJwt } from './jwt/sign.ts'
import { verifyJwt } from './jwt/verify.ts'
import type { UserManagerOptions } from './manager-options.ts'
import type { PasswordHasher } from './password.ts'
import { fingerprintMatches, passwordFingerprint, RESET_PASSWORD_AUDIENCE, VERIFY_AUDIENCE } from './tokens.ts'
import type { UserRecord } from './user.ts'

type TokenOptions = Pick<
  UserManagerOptions,
  | 'resetPasswordTokenSecret'
  | 'resetPasswordTokenLifetimeSeconds'
  | 'resetPasswordTokenAudience'
  | 'resetTokenFingerprint'
  | 'verificationTokenSecret'
  | 'verificationTokenLifetimeSeconds'
  | 'verificationTokenAudience'
>

export class AccountTokens {
  readonly #resetKeys: JwtKeys
  readonly #verifyKeys: JwtKeys
  readonly #options: TokenOptions
  readonly #passwordHelper: PasswordHasher

  constructor(options: TokenOptions, passwordHelper: PasswordHasher) {
    this.#options = options
    this.#passwordHelper = passwordHelper
    this.#resetKeys = importJwtKeys({ secret: options.resetPasswordTokenSecret, algorithm: 'HS256' })
    this.#verifyKeys = importJwtKeys({ secret: options.verificationTokenSecret, algorithm: 'HS256' })
  }

  /** A reset token bound to the user's current password hash. */
  async resetToken(user: UserRecord): Promise<string> {
    const fingerprint =
      this.#options.resetTokenFingerprint === 'fastapi-users'
        ? await this.#passwordHelper.hash(user.hashed_password)
        : passwordFingerprint(user.hashed_password, this.#resetKeys)
    return signJwt({ sub: user.id, password_fgpt: fingerprint }, this.#resetKeys, {
      audience: this.#options.resetPasswordTokenAudience ?? RESET_PASSWORD_AUDIENCE,
      lifetimeSeconds: this.#options.resetPasswordTokenLifetimeSeconds ?? 3600,
    })
  }

  /** The claims of a reset token; `bad` when it does not verify or lacks them. */
  readResetToken(token: string, bad: UsersError): { sub: string; fingerprint: string } {
    const claims = this.#decode(token, this.#resetKeys, this.#options.resetPasswordTokenAudience ?? RESET_PASSWORD_AUDIENCE, bad)
    if (typeof claims.password_fgpt !== 'string') throw bad
    return { sub: claims.sub, fingerprint: claims.password_fgpt }
  }

  /** Whether a reset token's fingerprint is of this (current) password hash. */
  fingerprintMatches(fingerprint: string, hashedPassword: string): Promise<boolean> {
    return fingerprintMatches(fingerprint, hashedPassword, this.#resetKeys, this.#passwordHelper)
  }

  /** A verification token for the user's current email. */
  verifyToken(user: UserRecord): Promise<string> {
    return signJwt({ sub: user.id, email: user.email }, this.#verifyKeys, {
      audience: this.#options.verificationTokenAudience ?? VERIFY_AUDIENCE,
      lifetimeSeconds: this.#options.verificationTokenLifetimeSeconds ?? 3600,
    })
  }

  /** The claims of a verification token; `bad` when it does not verify or lacks them. */
  readVerifyToken(token: string, bad: UsersError): { sub: string; email: string } {
    const claims = this.#decode(token, this.#verifyKeys, this.#options.verificationTokenAudience ?? VERIFY_AUDIENCE, bad)
    if (typeof claims.email !== 'string') throw bad
    return { sub: claims.sub, email: claims.email }
  }

  #decode(token: string, keys: JwtKeys, audience: string, bad: UsersError): Record<string, unknown> & { sub: string } {
    let claims: Record<string, unknown>
    try {
      // Reset and verify tokens are always issued with `exp`, here and upstream; one without is forged.
      claims = verifyJwt(token, keys, { audience, requireExp: true })
    } catch (error) {
      if (error instanceof InvalidTokenError) throw bad
      throw error
    }
    const { sub } = claims
    if (typeof sub !== 'string') throw bad
    return { ...claims, sub }
  }
}
