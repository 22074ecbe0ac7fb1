/**
 * How a JWT access token is named in the revocation state (see store.ts):
 *
 * - its generation is the `gen` claim, a whole number; tokens without it (every token issued
 *   before the user's first "log out everywhere", and every token a FastAPI Users deployment
 *   issued) are generation 0;
 * - its denylist key is `jti:<jti>` for tokens with a `jti` (ours have one, so two logins in the
 *   same second yield two tokens that log out separately), else `sha256:<SHA-256 of
 *   header.payload>`. The hash covers the signed part only: a signature segment can be
 *   re-spelled (the spare bits of its last base64url character) and still verify, so hashing
 *   the whole token would let a logged-out token back in under another spelling.
 */
import { randomBytes } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { sha256Base64url } from '../opaque-token.ts'

const JTI = /^[\x21-\x7e]{1,64}$/

/**
 * The denylist key of a verified token.
 *
 * @example
 * jwtTokenKey(token, verifyJwt(token, keys, options)) // 'jti:…' or 'sha256:…'
 */
export function jwtTokenKey(token: string, payload: JWTPayload): string {
  if (typeof payload.jti === 'string' && JTI.test(payload.jti)) return `jti:${payload.jti}`
  return `sha256:${sha256Base64url(token.slice(0, token.lastIndexOf('.')))}`
}

/**
 * The generation a verified token was issued in; anything but a whole number counts as 0,
 * the oldest, so a malformed claim can only make a token weaker.
 *
 * @example
 * jwtGeneration({ sub: id, gen: 3 }) // 3
 */
export function jwtGeneration(payload: JWTPayload): number {
  const gen = payload['gen']
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, Number.isSafeInteger implies a number, and gen 0 reads as 0 either way
  return typeof gen === 'number' && Number.isSafeInteger(gen) && gen > 0 ? gen : 0
}

/**
 * The claims that name a new token: a random `jti`, and `gen` when the user's generation is
 * not 0 (so tokens of never-revoked users carry no extra claim beyond `jti`).
 *
 * @example
 * signJwt({ sub: user.id, ...jwtRevocationClaims(await store.generation(user.id)) }, keys, options)
 */
export function jwtRevocationClaims(generation: number): { jti: string; gen?: number } {
  const jti = randomBytes(16).toString('base64url')
  return generation > 0 ? { jti, gen: generation } : { jti }
}
