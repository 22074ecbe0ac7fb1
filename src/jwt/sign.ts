/**
 * Signing. Tokens carry `exp` as integer seconds and no `iat`, `nbf`, `jti` or `iss` unless the
 * caller adds them, like the tokens of FastAPI Users (CONTRACT §8), so the two servers can read
 * each other's tokens.
 *
 * HMAC tokens are signed synchronously with node:crypto, in the same bytes jose writes (header
 * `{"alg","typ":"JWT"}`, then the claims in their order, `aud` and `exp` last): jose 6 signs
 * through WebCrypto, whose jobs wait on the libuv pool behind the password hashes of a login
 * storm, and costs about ten times the CPU (bench/: 150 µs against 15 µs). Asymmetric tokens
 * still go through jose, so that an RSA signature (milliseconds) stays off the event loop.
 */
import { createHmac } from 'node:crypto'
import { SignJWT, type JWTPayload } from 'jose'
import type { JwtAlgorithm, JwtKeys } from './keys.ts'
import { isHmac, JwtKeyError } from './keys.ts'

export interface SignOptions {
  /** A string, or an array (FastAPI Users emits the login audience as an array). */
  audience: string | string[]
  /** `null` means no `exp` claim. */
  lifetimeSeconds: number | null
}

const HMAC_HASHES: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * Signs `claims` into a compact JWS with header `{"alg", "typ": "JWT"}`.
 *
 * @example
 * const token = await signJwt({ sub: user.id }, keys, { audience: ['fastapi-users:auth'], lifetimeSeconds: 3600 })
 */
export async function signJwt(claims: JWTPayload, keys: JwtKeys, options: SignOptions): Promise<string> {
  if (!keys.signingKey) throw new JwtKeyError('these JWT keys can only verify')
  const payload: JWTPayload = { ...claims, aud: options.audience }
  if (options.lifetimeSeconds !== null) payload.exp = Math.floor(Date.now() / 1000) + options.lifetimeSeconds
  const header = { alg: keys.algorithm, typ: 'JWT' }
  // Stryker disable next-line ConditionalExpression: equivalent, jose writes the very bytes of the HMAC path (test/jwt-sign.test.ts), only slower
  if (!isHmac(keys.algorithm)) return new SignJWT(payload).setProtectedHeader(header).sign(keys.signingKey)
  const input = `${base64url(header)}.${base64url(payload)}`
  const signature = createHmac(HMAC_HASHES[keys.algorithm as JwtAlgorithm]!, keys.signingKey).update(input).digest('base64url')
  return `${input}.${signature}`
}
