/**
 * JWT keys, imported once. A strategy or token helper builds a `JwtKeys` at construction time
 * so that no request pays for parsing a secret or a PEM.
 *
 * HMAC algorithms take a shared secret (a string is used as its UTF-8 bytes, as PyJWT does, so
 * a FastAPI Users secret keeps working). RSA, ECDSA and EdDSA take a private key for signing
 * and a public key for verifying (derived from the private key when not given); a server that
 * only verifies may pass only the public key.
 */
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto'
import { ConfigurationError } from '../errors.ts'

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const

export type JwtAlgorithm = (typeof HMAC_ALGORITHMS)[number] | (typeof ASYMMETRIC_ALGORITHMS)[number]

/** A secret or key as an application passes it: a string (secret or PEM), bytes or a KeyObject. */
export type KeyMaterial = string | Uint8Array | KeyObject

export interface JwtKeyOptions {
  algorithm?: JwtAlgorithm
  /** HMAC secret, or the private key (PEM or KeyObject) for asymmetric algorithms. */
  secret?: KeyMaterial
  /** Public key (PEM or KeyObject) for asymmetric algorithms. */
  publicKey?: KeyMaterial
}

export interface JwtKeys {
  readonly algorithm: JwtAlgorithm
  /** `null` when the keys can only verify. */
  readonly signingKey: KeyObject | null
  readonly verificationKey: KeyObject
}

/** A JWT configuration problem found at start-up (never at request time). */
export class JwtKeyError extends ConfigurationError {
  override readonly name = 'JwtKeyError'

  constructor(message: string) {
    super('INVALID_JWT_KEY', message)
  }
}

export function isHmac(algorithm: JwtAlgorithm): boolean {
  return (HMAC_ALGORITHMS as readonly string[]).includes(algorithm)
}

/**
 * Imports the keys of one algorithm once.
 *
 * @example
 * const keys = importJwtKeys({ secret: process.env.SECRET, algorithm: 'HS256' })
 */
export function importJwtKeys(options: JwtKeyOptions): JwtKeys {
  const algorithm = options.algorithm ?? 'HS256'
  if (![...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS].includes(algorithm)) {
    throw new JwtKeyError(`unsupported JWT algorithm: ${String(algorithm)}`)
  }
  if (isHmac(algorithm)) {
    if (options.secret === undefined || options.secret === '') {
      throw new JwtKeyError(`${algorithm} needs a secret`)
    }
    const key = toSecretKey(options.secret)
    return { algorithm, signingKey: key, verificationKey: key }
  }
  const signingKey = options.secret === undefined ? null : toPrivateKey(options.secret)
  let verificationKey: KeyObject
  if (options.publicKey !== undefined) verificationKey = toPublicKey(options.publicKey)
  else if (signingKey) verificationKey = createPublicKey(signingKey)
  else throw new JwtKeyError(`${algorithm} needs a private key or a public key`)
  checkKeyType(algorithm, verificationKey)
  return { algorithm, signingKey, verificationKey }
}

function toSecretKey(material: KeyMaterial): KeyObject {
  if (typeof material === 'string') return createSecretKey(Buffer.from(material))
  if (material instanceof Uint8Array) return createSecretKey(material)
  if (material.type !== 'secret') throw new JwtKeyError('an HMAC algorithm needs a secret key')
  return material
}

function toPrivateKey(material: KeyMaterial): KeyObject {
  if (typeof material === 'string' || material instanceof Uint8Array) return createPrivateKey(Buffer.from(material))
  if (material.type !== 'private') throw new JwtKeyError('signing needs a private key')
  return material
}

function toPublicKey(material: KeyMaterial): KeyObject {
  if (typeof material === 'string' || material instanceof Uint8Array) return createPublicKey(Buffer.from(material))
  return material.type === 'private' ? createPublicKey(material) : material
}

/** Refuse at start-up a key that cannot serve the algorithm (no key confusion later). */
function checkKeyType(algorithm: JwtAlgorithm, key: KeyObject): void {
  const type = key.asymmetricKeyType
  const expected = algorithm.startsWith('RS') || algorithm.startsWith('PS')
    ? ['rsa', 'rsa-pss']
    : algorithm.startsWith('ES')
      ? ['ec']
      : ['ed25519', 'ed448']
  if (!type || !expected.includes(type)) {
    throw new JwtKeyError(`a ${type ?? 'secret'} key cannot be used with ${algorithm}`)
  }
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, no other algorithm names a curve, and no RSA or EdDSA key has one
  if (algorithm.startsWith('ES')) {
    // Stryker disable next-line OptionalChaining: equivalent, Node gives every asymmetric key its details
    const curve = key.asymmetricKeyDetails?.namedCurve
    const want = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }[algorithm as 'ES256']
    if (curve !== want) throw new JwtKeyError(`${algorithm} needs a ${want} key, not ${curve}`)
  }
}
