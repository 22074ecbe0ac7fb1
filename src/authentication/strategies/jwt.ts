/**
 * JWT strategy (CONTRACT §7): a stateless access token `{sub, aud: ["fastapi-users:auth"],
 * exp}`, HS256 by default; RS*, PS*, ES* and EdDSA by configuration. Reading a token checks it
 * synchronously (see `jwt/verify.ts` for why), then loads the user, so a deactivated or deleted
 * user is refused at once.
 */
import { parseId } from '../../id.ts'
import { InvalidTokenError } from '../../errors.ts'
import { importJwtKeys, type JwtAlgorithm, type JwtKeys, type KeyMaterial } from '../../jwt/keys.ts'
import { signJwt } from '../../jwt/sign.ts'
import { verifyJwt } from '../../jwt/verify.ts'
import { AUTH_AUDIENCE } from '../../tokens.ts'
import type { UserRecord } from '../../user.ts'
import type { Strategy, UserLookup } from '../strategy.ts'

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
}

export class JwtStrategy implements Strategy {
  readonly lifetimeSeconds: number | null
  readonly tokenAudience: string[]
  readonly keys: JwtKeys

  constructor(options: JwtStrategyOptions) {
    this.lifetimeSeconds = options.lifetimeSeconds
    this.tokenAudience = options.tokenAudience ?? [AUTH_AUDIENCE]
    this.keys = importJwtKeys({ secret: options.secret, algorithm: options.algorithm, publicKey: options.publicKey })
  }

  async readToken<U extends UserRecord>(token: string, users: UserLookup<U>): Promise<U | null> {
    let sub: unknown
    try {
      // A token without `exp` is refused when tokens are issued with one (deliberate difference 8).
      sub = verifyJwt(token, this.keys, { audience: this.tokenAudience, requireExp: this.lifetimeSeconds !== null }).sub
    } catch (error) {
      if (error instanceof InvalidTokenError) return null
      throw error
    }
    const id = parseId(sub)
    return id === null ? null : users.get(id)
  }

  writeToken(user: UserRecord): Promise<string> {
    return signJwt({ sub: user.id }, this.keys, { audience: this.tokenAudience, lifetimeSeconds: this.lifetimeSeconds })
  }

  async destroyToken(): Promise<void> {}
}
