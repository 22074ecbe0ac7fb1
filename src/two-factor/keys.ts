/**
 * The keys of two-factor, derived (HKDF-SHA256) from the one `encryptionKey` option: an
 * AES-256-GCM key that seals TOTP secrets at rest, an HMAC key that hashes recovery codes (a
 * stolen database without the key yields neither secrets nor codes), and the HS256 key of
 * login challenge tokens.
 */
import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto'
import { ConfigurationError } from '../errors.ts'
import { importJwtKeys, type JwtKeys } from '../jwt/keys.ts'

export interface TwoFactorKeys {
  sealing: KeyObject
  recoveryCodes: KeyObject
  challenges: JwtKeys
}

export class TwoFactorKeyError extends ConfigurationError {
  override readonly name = 'TwoFactorKeyError'

  constructor() {
    super('TWO_FACTOR_KEY', 'twoFactor.encryptionKey must hold at least 32 bytes (a random string or bytes)')
  }
}

/**
 * @example
 * const keys = deriveTwoFactorKeys(process.env.TWO_FACTOR_KEY!)
 */
export function deriveTwoFactorKeys(encryptionKey: string | Uint8Array): TwoFactorKeys {
  const material = typeof encryptionKey === 'string' ? Buffer.from(encryptionKey, 'utf8') : Buffer.from(encryptionKey)
  if (material.length < 32) throw new TwoFactorKeyError()
  const derive = (info: string): KeyObject =>
    createSecretKey(Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `fastify-users two-factor ${info}`, 32)))
  return {
    sealing: derive('secret sealing'),
    recoveryCodes: derive('recovery codes'),
    challenges: importJwtKeys({ secret: derive('challenge tokens'), algorithm: 'HS256' }),
  }
}
