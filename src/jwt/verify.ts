/**
 * Verification, synchronous, with node:crypto.
 *
 * Why not jose's `jwtVerify`: jose 6 verifies through WebCrypto, and Node runs WebCrypto jobs on
 * the libuv thread pool, the same pool that password hashing fills during a login storm; every
 * authenticated request would then wait behind whole argon2 hashes. node:crypto's HMAC and
 * signature checks run inline in microseconds. The rules are jose's:
 * - the header must be a JSON object whose `alg` is the pinned algorithm (no `none`, no key
 *   confusion), with no `crit` (we understand no extension) and no `b64: false`;
 * - each segment must be canonical base64url: `Buffer.from(s, 'base64url')` silently skips
 *   characters outside the alphabet, so a tampered token could otherwise decode to the right
 *   bytes;
 * - the signature is compared in constant time;
 * - header and claims must be JSON objects in valid UTF-8 (jose decodes them strictly);
 * - `exp`, `nbf` and `iat`, when present, must be numbers; `exp` must be in the future and
 *   `nbf` in the past (no leeway by default, as PyJWT in FastAPI Users);
 * - `aud` (a string or an array of strings) must contain one of the accepted audiences.
 *
 * And a little stricter than jose, as PyJWT is (test/security/jwt-differential.test.ts shows
 * that everything jose refuses is refused, and exactly these rules on top):
 * - `exp`, `nbf` and `iat` must be finite (`1e400` parses to Infinity: a token that never
 *   expires), and `iat` must not be in the future beyond the tolerance, as PyJWT checks;
 * - `iss`, `sub` and `jti` must be strings, and an `aud` array must hold only strings
 *   (RFC 7519's StringOrURI), as PyJWT checks.
 */
import { constants, createHmac, timingSafeEqual, verify as verifySignature, type KeyObject } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { InvalidTokenError } from '../errors.ts'
import { isHmac, type JwtAlgorithm, type JwtKeys } from './keys.ts'

export interface VerifyOptions {
  /** Accepted audiences; the token's `aud` must contain at least one. */
  audience: string | readonly string[]
  /** Refuse a token without `exp` (CONTRACT, deliberate difference 8). */
  requireExp?: boolean
  /** The clock, in seconds; for tests. */
  now?: number
  /** Seconds of clock skew allowed for `exp`, `nbf` and `iat` (default 0). */
  clockTolerance?: number
}

const BASE64URL = /^[A-Za-z0-9_-]*$/
const UTF8 = new TextDecoder('utf-8', { fatal: true })

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' }

/**
 * Verifies a compact JWS and its claims; returns the payload. Throws `InvalidTokenError`
 * (`kind: 'expired'` for a valid token past its `exp`).
 *
 * @example
 * const payload = verifyJwt(token, keys, { audience: 'fastapi-users:reset' })
 */
export function verifyJwt(token: string, keys: JwtKeys, options: VerifyOptions): JWTPayload {
  if (typeof token !== 'string' || token.length > 16_384) throw new InvalidTokenError()
  const parts = token.split('.')
  if (parts.length !== 3) throw new InvalidTokenError()
  const [h, p, s] = parts as [string, string, string]
  if (!BASE64URL.test(h) || !BASE64URL.test(p) || !BASE64URL.test(s)) throw new InvalidTokenError()

  const header = parseJsonObject(h)
  if (header.alg !== keys.algorithm || 'crit' in header || header.b64 === false) throw new InvalidTokenError()
  if (!signatureMatches(`${h}.${p}`, Buffer.from(s, 'base64url'), keys.algorithm, keys.verificationKey)) {
    throw new InvalidTokenError()
  }
  const payload = parseJsonObject(p) as JWTPayload
  checkClaims(payload, options)
  return payload
}

function parseJsonObject(segment: string): Record<string, unknown> {
  let value: unknown
  // Stryker disable BlockStatement: equivalent for the catch, an empty one leaves `value` undefined, which the object check refuses
  try {
    value = JSON.parse(UTF8.decode(Buffer.from(segment, 'base64url')))
  } catch {
    throw new InvalidTokenError()
  }
  // Stryker restore BlockStatement
  // Stryker disable next-line ConditionalExpression: equivalent for the first operand, a number or string fails the alg, claim or audience check
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidTokenError()
  return value as Record<string, unknown>
}

function signatureMatches(input: string, signature: Buffer, algorithm: JwtAlgorithm, key: KeyObject): boolean {
  if (isHmac(algorithm)) {
    const expected = createHmac(HASHES[algorithm.slice(2)]!, key).update(input).digest()
    return expected.length === signature.length && timingSafeEqual(expected, signature)
  }
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, the fall-through passes an undefined digest, which Ed25519 reads as null
  if (algorithm === 'EdDSA') return verifySignature(null, Buffer.from(input), key, signature)
  const hash = HASHES[algorithm.slice(2)]!
  if (algorithm.startsWith('ES')) {
    return verifySignature(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature)
  }
  if (algorithm.startsWith('PS')) {
    return verifySignature(hash, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(algorithm.slice(2)) / 8 }, signature)
  }
  return verifySignature(hash, Buffer.from(input), key, signature)
}

function checkClaims(payload: JWTPayload, options: VerifyOptions): void {
  const now = options.now ?? Math.floor(Date.now() / 1000)
  const tolerance = options.clockTolerance ?? 0
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    if (payload[claim] !== undefined && !Number.isFinite(payload[claim])) throw new InvalidTokenError()
  }
  for (const claim of ['iss', 'sub', 'jti'] as const) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') throw new InvalidTokenError()
  }
  // Stryker disable next-line ConditionalExpression: equivalent for the undefined tests, `undefined > n` is false
  if (payload.nbf !== undefined && payload.nbf > now + tolerance) throw new InvalidTokenError()
  // Stryker disable next-line ConditionalExpression: equivalent for the undefined tests, `undefined > n` is false
  if (payload.iat !== undefined && payload.iat > now + tolerance) throw new InvalidTokenError()
  if (payload.exp === undefined) {
    if (options.requireExp) throw new InvalidTokenError()
  } else if (payload.exp <= now - tolerance) {
    throw new InvalidTokenError('expired')
  }
  const accepted = typeof options.audience === 'string' ? [options.audience] : options.audience
  const aud = payload.aud
  // Stryker disable next-line ArrayDeclaration: equivalent, a non-empty fallback holds no accepted audience either
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? aud : []
  if (!audiences.some((a) => accepted.includes(a))) throw new InvalidTokenError()
}
