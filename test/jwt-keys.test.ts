/**
 * Importing JWT keys (src/jwt/keys.ts): every form a secret or a key may take, the key each
 * algorithm takes and every key it refuses at start-up, with the message that says why.
 */
import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { ConfigurationError } from '../src/errors.ts'
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, importJwtKeys, isHmac, JwtKeyError, type JwtAlgorithm } from '../src/jwt/keys.ts'
import { signJwt } from '../src/jwt/sign.ts'
import { verifyJwt } from '../src/jwt/verify.ts'

const SECRET = 'a-secret-of-at-least-thirty-two-characters!'

interface Pair {
  privateKey: KeyObject
  publicKey: KeyObject
}

let rsa: Pair
let rsaPss: Pair
let p256: Pair
let p384: Pair
let p521: Pair
let ed25519: Pair
let ed448: Pair

beforeAll(() => {
  rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
  rsaPss = generateKeyPairSync('rsa-pss', { modulusLength: 1024 })
  p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
  p521 = generateKeyPairSync('ec', { namedCurve: 'secp521r1' })
  ed25519 = generateKeyPairSync('ed25519')
  ed448 = generateKeyPairSync('ed448')
})

const pem = (key: KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }) as string

function refusal(fn: () => unknown): JwtKeyError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(JwtKeyError)
    return error as JwtKeyError
  }
  throw new Error('expected a JwtKeyError')
}

describe('importJwtKeys with an HMAC algorithm', () => {
  it('defaults to HS256 and uses one secret key both ways, a string as its UTF-8 bytes', () => {
    const keys = importJwtKeys({ secret: 'zoë' })
    expect(keys.algorithm).toBe('HS256')
    expect(keys.signingKey).toBe(keys.verificationKey)
    expect(keys.signingKey!.type).toBe('secret')
    expect(keys.signingKey!.export().equals(Buffer.from('zoë', 'utf8'))).toBe(true)
  })

  it('takes bytes and a secret KeyObject', () => {
    const bytes = new Uint8Array([1, 2, 3, 4])
    expect(importJwtKeys({ secret: bytes, algorithm: 'HS384' }).signingKey!.export().equals(Buffer.from(bytes))).toBe(true)
    const object = createSecretKey(Buffer.from(SECRET))
    const keys = importJwtKeys({ secret: object, algorithm: 'HS512' })
    expect(keys.signingKey).toBe(object)
    expect(keys.verificationKey).toBe(object)
  })

  it('needs a secret, not an empty one and not a private or public key', () => {
    expect(refusal(() => importJwtKeys({})).message).toBe('HS256 needs a secret')
    expect(refusal(() => importJwtKeys({ algorithm: 'HS384', secret: '' })).message).toBe('HS384 needs a secret')
    expect(refusal(() => importJwtKeys({ secret: p256.privateKey })).message).toBe('an HMAC algorithm needs a secret key')
    expect(refusal(() => importJwtKeys({ secret: p256.publicKey })).message).toBe('an HMAC algorithm needs a secret key')
  })

  it('is a configuration error carrying INVALID_JWT_KEY', () => {
    const error = refusal(() => importJwtKeys({}))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.name).toBe('JwtKeyError')
    expect(error.code).toBe('INVALID_JWT_KEY')
  })
})

describe('importJwtKeys with an asymmetric algorithm', () => {
  it('derives the public key from a private KeyObject, a PEM string or PEM bytes', () => {
    for (const secret of [p256.privateKey, pem(p256.privateKey), Buffer.from(pem(p256.privateKey))]) {
      const keys = importJwtKeys({ algorithm: 'ES256', secret })
      expect(keys.signingKey!.type).toBe('private')
      expect(keys.verificationKey.type).toBe('public')
      expect(keys.verificationKey.equals(p256.publicKey)).toBe(true)
    }
  })

  it('verifies with the public key given, as a KeyObject, PEM string, PEM bytes or the private key', () => {
    for (const publicKey of [p256.publicKey, pem(p256.publicKey), Buffer.from(pem(p256.publicKey)), p256.privateKey]) {
      const keys = importJwtKeys({ algorithm: 'ES256', publicKey })
      expect(keys.signingKey).toBeNull()
      expect(keys.verificationKey.type).toBe('public')
      expect(keys.verificationKey.equals(p256.publicKey)).toBe(true)
    }
  })

  it('prefers the public key given to the one the private key derives', () => {
    const keys = importJwtKeys({ algorithm: 'ES256', secret: p256.privateKey, publicKey: pem(p256.publicKey) })
    expect(keys.signingKey).toBe(p256.privateKey)
    expect(keys.verificationKey.equals(p256.publicKey)).toBe(true)
    // A mismatched pair is the application's to answer for: the public key given is the one used.
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    expect(importJwtKeys({ algorithm: 'ES256', secret: p256.privateKey, publicKey: other.publicKey }).verificationKey).toBe(other.publicKey)
  })

  it('needs a private or a public key', () => {
    expect(refusal(() => importJwtKeys({ algorithm: 'RS256' })).message).toBe('RS256 needs a private key or a public key')
  })

  it('signs only with a private key', () => {
    expect(refusal(() => importJwtKeys({ algorithm: 'ES256', secret: p256.publicKey })).message).toBe('signing needs a private key')
    expect(refusal(() => importJwtKeys({ algorithm: 'ES256', secret: createSecretKey(Buffer.from(SECRET)) })).message).toBe('signing needs a private key')
  })

  it.each<[JwtAlgorithm, () => Pair]>([
    ['RS256', () => rsa],
    ['RS384', () => rsaPss],
    ['PS256', () => rsa],
    ['PS512', () => rsaPss],
    ['ES256', () => p256],
    ['ES384', () => p384],
    ['ES512', () => p521],
    ['EdDSA', () => ed25519],
    ['EdDSA', () => ed448],
  ])('takes for %s the key of its family', (algorithm, pair) => {
    const keys = importJwtKeys({ algorithm, secret: pair().privateKey })
    expect(keys.algorithm).toBe(algorithm)
    expect(keys.verificationKey.equals(pair().publicKey)).toBe(true)
  })

  it.each<[JwtAlgorithm, () => Pair, string]>([
    ['RS256', () => p256, 'a ec key cannot be used with RS256'],
    ['PS384', () => ed25519, 'a ed25519 key cannot be used with PS384'],
    ['ES256', () => rsa, 'a rsa key cannot be used with ES256'],
    ['ES512', () => ed448, 'a ed448 key cannot be used with ES512'],
    ['EdDSA', () => p256, 'a ec key cannot be used with EdDSA'],
    ['EdDSA', () => rsaPss, 'a rsa-pss key cannot be used with EdDSA'],
  ])('refuses for %s a key of another family', (algorithm, pair, message) => {
    expect(refusal(() => importJwtKeys({ algorithm, secret: pair().privateKey })).message).toBe(message)
    expect(refusal(() => importJwtKeys({ algorithm, publicKey: pair().publicKey })).message).toBe(message)
  })

  it('refuses a secret key given as the public key', () => {
    const message = refusal(() => importJwtKeys({ algorithm: 'RS256', publicKey: createSecretKey(Buffer.from(SECRET)) })).message
    expect(message).toBe('a secret key cannot be used with RS256')
  })

  it.each<[JwtAlgorithm, () => Pair, string]>([
    ['ES256', () => p384, 'ES256 needs a prime256v1 key, not secp384r1'],
    ['ES384', () => p521, 'ES384 needs a secp384r1 key, not secp521r1'],
    ['ES512', () => p256, 'ES512 needs a secp521r1 key, not prime256v1'],
  ])('refuses for %s an elliptic curve of another size', (algorithm, pair, message) => {
    expect(refusal(() => importJwtKeys({ algorithm, secret: pair().privateKey })).message).toBe(message)
  })
})

describe('the algorithms', () => {
  it('refuses any other, none included, naming it', () => {
    for (const algorithm of ['none', 'HS1', 'hs256', 'RS1', 'ES256K', '']) {
      expect(refusal(() => importJwtKeys({ algorithm: algorithm as JwtAlgorithm, secret: SECRET })).message).toBe(`unsupported JWT algorithm: ${algorithm}`)
    }
  })

  it('tells HMAC algorithms from the others', () => {
    for (const algorithm of HMAC_ALGORITHMS) expect(isHmac(algorithm)).toBe(true)
    for (const algorithm of ASYMMETRIC_ALGORITHMS) expect(isHmac(algorithm)).toBe(false)
    expect(ASYMMETRIC_ALGORITHMS).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])
    expect(HMAC_ALGORITHMS).toEqual(['HS256', 'HS384', 'HS512'])
  })

  it('signs and verifies with each HMAC size, and a token of one size does not verify with another', async () => {
    const tokens = await Promise.all(
      HMAC_ALGORITHMS.map((algorithm) => signJwt({ sub: 'x' }, importJwtKeys({ secret: SECRET, algorithm }), { audience: 'a', lifetimeSeconds: 60 })),
    )
    HMAC_ALGORITHMS.forEach((algorithm, i) => {
      const keys = importJwtKeys({ secret: SECRET, algorithm })
      expect(verifyJwt(tokens[i]!, keys, { audience: 'a' }).sub).toBe('x')
      expect(() => verifyJwt(tokens[(i + 1) % 3]!, keys, { audience: 'a' })).toThrow()
    })
  })
})
