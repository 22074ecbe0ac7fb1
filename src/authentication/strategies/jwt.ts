/**
 * JWT strategy (CONTRACT §7): a stateless access token `{sub, aud: ["fastapi-users:auth"],
 * exp}`, HS256 by default; RS*, PS*, ES* and EdDSA by configuration. Reading a token checks it
 * synchronously (see `jwt/verify.ts` for why), then loads the user, so a deactivated or deleted
 * user is refused at once.
 *
 * Logout really ends a token (CONTRACT, deliberate differences 7 and 10): each token carries a
 * `jti` and the user's token generation (`gen`, see `revocation/jwt-token.ts`), and reading it
 * asks the revocation store, concurrently with the user lookup, whether it was logged out or
 * issued before the user's latest "log out everywhere". Without a `revocation` store the state
 * stays in this process (see `processRevocationStore`).
 */
import { parseId } from '../../id.ts'
import { InvalidTokenError } from '../../errors.ts'
import { importJwtKeys, type JwtAlgorithm, type JwtKeys, type KeyMaterial } from '../../jwt/keys.ts'
import { signJwt } from '../../jwt/sign.ts'
import { verifyJwt } from '../../jwt/verify.ts'
import { VerifiedTokens, type VerifiedToken } from '../../jwt/verified-tokens.ts'
import { AUTH_AUDIENCE } from '../../tokens.ts'
import type { UserRecord } from '../../user.ts'
import type { Strategy, UserLookup } from '../strategy.ts'
import { jwtGeneration, jwtRevocationClaims, jwtTokenKey } from '../../revocation/jwt-token.ts'
import { processRevocationStore } from '../../revocation/memory-store.ts'
import type { RevokeOptions, TokenRevoker } from '../../revocation/revoker.ts'
import { isRevoked, type RevocationStore } from '../../revocation/store.ts'
import { storeUnavailable } from '../../revocation/unavailable.ts'
import type { JWTPayload } from 'jose'

export interface JwtStrategyOptions {
  /** HMAC secret, or the private key of an asymmetric algorithm. */
  secret: KeyMaterial
  /** Token lifetime; `null` issues tokens without `exp` (not recommended). */
  lifetimeSeconds: number | null
  /** Audiences written into, and accepted from, tokens. */
  tokenAudience?: string[]
  algorithm?: JwtAlgorithm
  /** Verification key of an asymmetric algorithm; derived from `secret` when omitted. */
  publicKey?: KeyMaterial
  /**
   * Where logouts and token generations are kept. Default: this process's memory, which other
   * instances do not see; pass a shared store (Redis, SQL) to run more than one instance.
   */
  revocation?: RevocationStore
  /**
   * Tokens whose verification is remembered until they expire, so a token sent again skips the
   * signature check (see `jwt/verified-tokens.ts`); revocation is still checked on every
   * request. Default 10,000; 0 verifies every request.
   */
  verifiedTokenCache?: number
}

/**
 * Access tokens as signed JWTs, readable by FastAPI Users with the same secret. Logouts are kept
 * in `revocation`; give it a shared store (`KyselyRevocationStore`, `RedisRevocationStore`) when
 * more than one instance serves the tokens, or when a restart must not forget a logout.
 *
 * @example
 * const strategy = new JwtStrategy({
 *   secret: process.env.SECRET!,
 *   lifetimeSeconds: 3600,
 *   revocation: new KyselyRevocationStore({ db: store.db, dialect: store.dialect }),
 * })
 */
export class JwtStrategy implements Strategy, TokenRevoker {
  readonly lifetimeSeconds: number | null
  readonly tokenAudience: string[]
  readonly keys: JwtKeys
  readonly revocation: RevocationStore
  readonly #verified: VerifiedTokens

  constructor(options: JwtStrategyOptions) {
    this.lifetimeSeconds = options.lifetimeSeconds
    this.tokenAudience = options.tokenAudience ?? [AUTH_AUDIENCE]
    this.keys = importJwtKeys({ secret: options.secret, algorithm: options.algorithm, publicKey: options.publicKey })
    this.revocation = options.revocation ?? processRevocationStore()
    // Stryker disable next-line LogicalOperator: equivalent, the cache's size bounds memory only: a cached reading is what verifying the token again yields
    this.#verified = new VerifiedTokens(options.verifiedTokenCache ?? 10_000)
  }

  async readToken<U extends UserRecord>(token: string, users: UserLookup<U>): Promise<U | null> {
    const verified = this.#readings(token)
    if (verified === null) return null
    const { userId, tokenKey } = verified
    const [user, state] = await Promise.all([users.get(userId), storeUnavailable(this.revocation.check(userId, tokenKey))])
    // A user the lookup does not find is `null` already.
    return isRevoked(state, verified.generation, tokenKey) ? null : user
  }

  /** What a valid token says, from the verified-token cache or a verification; `null` if invalid. */
  #readings(token: string): VerifiedToken | null {
    const cached = this.#verified.get(token)
    // Stryker disable next-line ConditionalExpression: equivalent, a cached reading is what verifying the token again yields (the cache saves time only)
    if (cached !== undefined) return cached
    const payload = this.#verify(token)
    const userId = payload === null ? null : parseId(payload.sub)
    if (userId === null) return null
    const verified = { userId, tokenKey: jwtTokenKey(token, payload!), generation: jwtGeneration(payload!), exp: payload!.exp ?? null }
    this.#verified.set(token, verified)
    return verified
  }

  async writeToken(user: UserRecord): Promise<string> {
    const claims = jwtRevocationClaims(await storeUnavailable(this.revocation.generation(user.id)))
    return signJwt({ sub: user.id, ...claims }, this.keys, { audience: this.tokenAudience, lifetimeSeconds: this.lifetimeSeconds })
  }

  /** Denies the token until its own `exp` (for ever if it has none). */
  async destroyToken(token: string): Promise<void> {
    const payload = this.#verify(token)
    if (payload === null) return
    this.#verified.delete(token)
    await storeUnavailable(this.revocation.deny(jwtTokenKey(token, payload), payload.exp ?? null))
  }

  tokenKey(token: string): string | null {
    const payload = this.#verify(token)
    return payload === null ? null : jwtTokenKey(token, payload)
  }

  /** Denies the key until any token issued by now has expired. */
  async revokeTokenKey(key: string): Promise<void> {
    const expiresAt = this.lifetimeSeconds === null ? null : Math.floor(Date.now() / 1000) + this.lifetimeSeconds
    await storeUnavailable(this.revocation.deny(key, expiresAt))
  }

  /** Bumps the user's generation; `except`, a valid token of the user, stays valid. */
  async revokeAllTokens(userId: string, options: RevokeOptions = {}): Promise<void> {
    // A deleted user's tokens already fail the user lookup, and its id never comes back.
    if (options.userDeleted) return
    let keep: string | null = null
    // Stryker disable next-line ConditionalExpression: equivalent, verifying `undefined` yields null too (verifyJwt refuses a non-string as an invalid token)
    const payload = options.except === undefined ? null : this.#verify(options.except)
    if (payload !== null && parseId(payload.sub) === userId) {
      const key = jwtTokenKey(options.except!, payload)
      if (!isRevoked(await storeUnavailable(this.revocation.check(userId, key)), jwtGeneration(payload), key)) keep = key
    }
    await storeUnavailable(this.revocation.bump(userId, keep))
  }

  /** The payload of a valid token, or `null`. */
  #verify(token: string): JWTPayload | null {
    try {
      // A token without `exp` is refused when tokens are issued with one (deliberate difference 8).
      return verifyJwt(token, this.keys, { audience: this.tokenAudience, requireExp: this.lifetimeSeconds !== null })
    } catch (error) {
      // Stryker disable next-line ConditionalExpression: equivalent, verifyJwt throws only InvalidTokenError, whatever the token
      if (error instanceof InvalidTokenError) return null
      throw error
    }
  }
}
