/**
 * Signing, with jose. Tokens carry `exp` as integer seconds and no `iat`, `nbf`, `jti` or `iss`
 * unless the caller adds them, like the tokens of FastAPI Users (CONTRACT §8), so the two
 * servers can read each other's tokens.
 */
import { SignJWT, type JWTPayload } from 'jose'
import type { JwtKeys } from './keys.ts'
import { JwtKeyError } from './keys.ts'

export interface SignOptions {
  /** A string, or an array (FastAPI Users emits the login audience as an array). */
  audience: string | string[]
  /** `null` means no `exp` claim. */
  lifetimeSeconds: number | null
}

/**
 * Signs `claims` into a compact JWS with header `{"alg", "typ": "JWT"}`.
 *
 * @example
 * const token = await signJwt({ sub: user.id }, keys, { audience: ['fastapi-users:auth'], lifetimeSeconds: 3600 })
 */
export async function signJwt(claims: JWTPayload, keys: JwtKeys, options: SignOptions): Promise<string> {
  if (!keys.signingKey) throw new JwtKeyError('these JWT keys can only verify')
  const jwt = new SignJWT({ ...claims, aud: options.audience }).setProtectedHeader({ alg: keys.algorithm, typ: 'JWT' })
  if (options.lifetimeSeconds !== null) {
    jwt.setExpirationTime(Math.floor(Date.now() / 1000) + options.lifetimeSeconds)
  }
  return jwt.sign(keys.signingKey)
}
