/**
 * TOTP two-factor authentication (opt-in, per user). Enrolment stores a fresh secret, pending,
 * and shows it as an `otpauth://` URI and a QR code; a first code enables it and returns ten
 * recovery codes, shown that once. From then on a password (or OAuth) login does not start a
 * session but answers a challenge: a short-lived JWT of its own audience naming the user, the
 * backend the login started on, and the user's two-factor generation. Presenting it with a
 * code, on that backend, completes the login.
 *
 * Single use: a TOTP code is refused for its step or any earlier one (the record keeps the
 * last step used), a recovery code is deleted when used, and every success bumps the
 * generation, which ends the challenge it answered. Each step is one conditional write.
 * Wrong codes are throttled per user, on the rate-limit store, with a growing delay.
 */
import { randomBytes } from 'node:crypto'
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding'
import QRCode from 'qrcode'
import type { UserLookup } from '../authentication/strategy.ts'
import { InvalidTokenError, TooManyRequestsError } from '../errors.ts'
import { signJwt } from '../jwt/sign.ts'
import { verifyJwt } from '../jwt/verify.ts'
import type { PasswordHasher } from '../password.ts'
import type { RevokeOptions } from '../revocation/revoker.ts'
import type { BackoffPolicy } from '../security/backoff.ts'
import { MemoryRateLimitStore } from '../security/memory-store.ts'
import type { RateLimitStore } from '../security/rate-limit-store.ts'
import type { UserRecord } from '../user.ts'
import { TwoFactorError, TwoFactorErrorCode } from './errors.ts'
import { deriveTwoFactorKeys, type TwoFactorKeys } from './keys.ts'
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes.ts'
import { openSecret, sealSecret } from './secret-box.ts'
import type { TwoFactorStore } from './store.ts'
import { matchTotp, totpUri } from './totp.ts'

export const TWO_FACTOR_CHALLENGE_AUDIENCE = 'fastify-users:2fa-challenge'

/** Five free tries, then doubling waits from one second, and a quarter-hour lock after twenty. */
export const DEFAULT_TWO_FACTOR_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxFailures: 20,
  lockoutMs: 900_000,
  forgetAfterMs: 3_600_000,
})

export interface TwoFactorOptions {
  store: TwoFactorStore
  /** At least 32 random bytes: seals TOTP secrets, keys recovery-code hashes and challenges. */
  encryptionKey: string | Uint8Array
  /** The name authenticator apps show beside the account (the `issuer` of the URI). */
  issuer: string
  /** Seconds a login challenge works (default 300). */
  challengeLifetimeSeconds?: number
  /** The schedule of wrong codes per user (see `DEFAULT_TWO_FACTOR_BACKOFF`). */
  throttle?: Partial<BackoffPolicy>
  /** Where wrong codes are counted; by default the `security.store`, else this process's memory. */
  throttleStore?: RateLimitStore
  /** The clock, in milliseconds; for tests. */
  now?: () => number
}

export interface TwoFactorEnrolment {
  /** The secret in base32, for typing into an app by hand. */
  secret: string
  otpauth_uri: string
  /** The URI as a QR code: an SVG image in a `data:` URL. */
  qr_code: string
}

export interface TwoFactorStatus {
  enabled: boolean
  recovery_codes_left: number
}

/** Why `verify` refused the user of a valid challenge. */
export type TwoFactorRefusal = 'bad_totp_code' | 'bad_recovery_code' | 'two_factor_throttled'

export interface TwoFactorVerifyOptions {
  /** Told of each refusal of a known user, before it is thrown (the audit log's `login.failed`). */
  onRefused?(user: UserRecord, reason: TwoFactorRefusal): void
}

export interface TwoFactorChallenge {
  challenge_token: string
  expires_in: number
}

/**
 * @example
 * const twoFactor = new TwoFactor({ store: new KyselyTwoFactorStore({ db: store.db }), encryptionKey: KEY, issuer: 'Example' }, passwordHelper)
 */
export class TwoFactor {
  readonly challengeLifetimeSeconds: number
  readonly #store: TwoFactorStore
  readonly #keys: TwoFactorKeys
  readonly #issuer: string
  readonly #throttleStore: RateLimitStore
  readonly #policy: BackoffPolicy
  readonly #passwords: PasswordHasher
  readonly #now: () => number

  constructor(options: TwoFactorOptions, passwords: PasswordHasher) {
    this.challengeLifetimeSeconds = options.challengeLifetimeSeconds ?? 300
    if (!(Number.isSafeInteger(this.challengeLifetimeSeconds) && this.challengeLifetimeSeconds > 0)) {
      throw new TypeError('twoFactor.challengeLifetimeSeconds must be a positive whole number of seconds')
    }
    this.#store = options.store
    this.#keys = deriveTwoFactorKeys(options.encryptionKey)
    this.#issuer = options.issuer
    this.#throttleStore = options.throttleStore ?? new MemoryRateLimitStore()
    this.#policy = { ...DEFAULT_TWO_FACTOR_BACKOFF, ...options.throttle }
    this.#passwords = passwords
    this.#now = options.now ?? Date.now
  }

  /** Whether a login of this user needs a second factor. */
  async isEnabled(user: UserRecord): Promise<boolean> {
    return (await this.#store.get(user.id))?.enabledAt != null
  }

  async status(user: UserRecord): Promise<TwoFactorStatus> {
    const enabled = await this.isEnabled(user)
    return { enabled, recovery_codes_left: enabled ? await this.#store.countRecoveryCodes(user.id) : 0 }
  }

  /** Starts (or starts again) an enrolment with a fresh secret. */
  async enrol(user: UserRecord): Promise<TwoFactorEnrolment> {
    const secret = new Uint8Array(randomBytes(20))
    if (!(await this.#store.enrol(user.id, sealSecret(secret, user.id, this.#keys.sealing)))) {
      throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_ALREADY_ENABLED)
    }
    const uri = totpUri(this.#issuer, user.email, secret)
    const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
    return {
      secret: encodeBase32UpperCaseNoPadding(secret),
      otpauth_uri: uri,
      qr_code: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    }
  }

  /** Enables a pending enrolment with its first code; returns the recovery codes, shown once. */
  async confirm(user: UserRecord, code: string): Promise<string[]> {
    const record = await this.#store.get(user.id)
    if (record === null) throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_NOT_ENABLED)
    if (record.enabledAt !== null) throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_ALREADY_ENABLED)
    const step = await this.#throttled(user.id, async () => {
      const secret = openSecret(record.sealedSecret, user.id, this.#keys.sealing)
      return secret === null ? null : matchTotp(secret, code, this.#now() / 1000)
    })
    const codes = generateRecoveryCodes()
    if (!(await this.#store.enable(user.id, record.sealedSecret, step, Math.floor(this.#now() / 1000)))) {
      throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_BAD_CODE)
    }
    await this.#store.replaceRecoveryCodes(user.id, this.#hashAll(codes))
    return codes
  }

  /** Turns two-factor off (or drops a pending enrolment); the current password is required. */
  async disable(user: UserRecord, password: string): Promise<void> {
    await this.#checkPassword(user, password)
    if ((await this.#store.get(user.id)) === null) throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_NOT_ENABLED)
    await this.#store.delete(user.id)
  }

  /** New recovery codes replacing all the old ones; the current password is required. */
  async regenerateRecoveryCodes(user: UserRecord, password: string): Promise<string[]> {
    await this.#checkPassword(user, password)
    if (!(await this.isEnabled(user))) throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_NOT_ENABLED)
    const codes = generateRecoveryCodes()
    await this.#store.replaceRecoveryCodes(user.id, this.#hashAll(codes))
    return codes
  }

  /** The challenge a login of a two-factor user answers instead of a session. */
  async challenge(user: UserRecord, backendName: string): Promise<TwoFactorChallenge> {
    const record = await this.#store.get(user.id)
    // The expiry follows this object's clock (`now`), which also reads it back.
    const exp = Math.floor(this.#now() / 1000) + this.challengeLifetimeSeconds
    const claims = { sub: user.id, backend: backendName, gen: record?.generation ?? -1, exp }
    const token = await signJwt(claims, this.#keys.challenges, { audience: TWO_FACTOR_CHALLENGE_AUDIENCE, lifetimeSeconds: null })
    return { challenge_token: token, expires_in: this.challengeLifetimeSeconds }
  }

  /**
   * Completes a login: the user of a valid challenge of this backend, given a fresh TOTP code
   * or an unused recovery code. Throws `TwoFactorError` or `TooManyRequestsError`; a refusal of
   * the challenge's user (a wrong code, or the throttle's) is told to `onRefused` first.
   */
  async verify(token: string, code: string, backendName: string, users: UserLookup, options: TwoFactorVerifyOptions = {}): Promise<UserRecord> {
    const claims = this.#readChallenge(token, backendName)
    const record = await this.#store.get(claims.sub)
    if (record?.enabledAt == null || record.generation !== claims.gen) {
      throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_BAD_CHALLENGE)
    }
    const user = await users.get(claims.sub)
    if (user === null || !user.is_active) throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_BAD_CHALLENGE)
    const isTotp = /^[0-9]{6}$/.test(code)
    try {
      await this.#throttled(user.id, async () => {
        if (isTotp) {
          const secret = openSecret(record.sealedSecret, user.id, this.#keys.sealing)
          const step = secret === null ? null : matchTotp(secret, code, this.#now() / 1000)
          return step !== null && (await this.#store.useStep(user.id, record.generation, step)) ? step : null
        }
        const hash = hashRecoveryCode(code, this.#keys.recoveryCodes)
        return hash !== null && (await this.#store.useRecoveryCode(user.id, record.generation, hash)) ? 0 : null
      })
    } catch (error) {
      if (error instanceof TooManyRequestsError) options.onRefused?.(user, 'two_factor_throttled')
      else if (error instanceof TwoFactorError) options.onRefused?.(user, isTotp ? 'bad_totp_code' : 'bad_recovery_code')
      throw error
    }
    return user
  }

  /**
   * Forgets a deleted user's two-factor record. It is one of the manager's `tokenRevokers`,
   * whose `userDeleted` call is the one moment the core tells that a user is gone.
   */
  async revokeAllTokens(userId: string, options: RevokeOptions = {}): Promise<void> {
    if (options.userDeleted === true) await this.#store.delete(userId)
  }

  /** Runs one code check under the per-user throttle: a `null` result is a wrong code. */
  async #throttled(userId: string, check: () => Promise<number | null>): Promise<number> {
    const key = `2fa:${userId}`
    const verdict = await this.#throttleStore.attempt(key, this.#policy, this.#now())
    if (!verdict.allowed) throw new TooManyRequestsError({ retryAfterSeconds: verdict.retryAfterMs / 1000 })
    const result = await check()
    if (result === null) throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_BAD_CODE)
    await this.#throttleStore.clear(key)
    return result
  }

  #readChallenge(token: string, backendName: string): { sub: string; gen: number } {
    let claims
    try {
      claims = verifyJwt(token, this.#keys.challenges, {
        audience: TWO_FACTOR_CHALLENGE_AUDIENCE,
        requireExp: true,
        now: Math.floor(this.#now() / 1000),
      })
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_BAD_CHALLENGE)
      throw error
    }
    const { sub, gen, backend } = claims as { sub?: unknown; gen?: unknown; backend?: unknown }
    if (typeof sub !== 'string' || typeof gen !== 'number' || backend !== backendName) {
      throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_BAD_CHALLENGE)
    }
    return { sub, gen }
  }

  async #checkPassword(user: UserRecord, password: string): Promise<void> {
    let verified = false
    try {
      verified = (await this.#passwords.verifyAndUpdate(password, user.hashed_password)).verified
    } catch {
      verified = false
    }
    if (!verified) throw new TwoFactorError(TwoFactorErrorCode.TWO_FACTOR_INVALID_PASSWORD)
  }

  #hashAll(codes: readonly string[]): string[] {
    return codes.map((code) => hashRecoveryCode(code, this.#keys.recoveryCodes)!)
  }
}
