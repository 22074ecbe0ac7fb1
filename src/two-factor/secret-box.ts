/**
 * TOTP secrets at rest: AES-256-GCM with a random 96-bit nonce, the user's id as associated
 * data (a sealed secret copied onto another user's record does not open), stored as
 * `v1.` + base64url(nonce ‖ ciphertext ‖ tag). The version prefix leaves room for key rotation.
 */
import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto'

const PREFIX = 'v1.'
const NONCE_BYTES = 12
const TAG_BYTES = 16

/**
 * @example
 * const sealed = sealSecret(secret, user.id, keys.sealing)
 */
export function sealSecret(secret: Uint8Array, userId: string, key: KeyObject): string {
  const nonce = randomBytes(NONCE_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(userId, 'utf8'))
  const sealed = Buffer.concat([nonce, cipher.update(secret), cipher.final(), cipher.getAuthTag()])
  return PREFIX + sealed.toString('base64url')
}

/**
 * The secret, or `null` when the value was not sealed for this user with this key.
 *
 * @example
 * const secret = openSecret(record.sealedSecret, user.id, keys.sealing)
 */
export function openSecret(sealed: string, userId: string, key: KeyObject): Uint8Array | null {
  if (!sealed.startsWith(PREFIX)) return null
  const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64url')
  if (bytes.length <= NONCE_BYTES + TAG_BYTES) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES)).setAAD(Buffer.from(userId, 'utf8'))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]))
  } catch {
    return null
  }
}
