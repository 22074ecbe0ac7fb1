/**
 * Device proofs: OWASP's device cookies
 * (https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies).
 *
 * A successful login hands the client a proof that this device once logged in to this account.
 * A later login that presents a valid proof for the account it names is throttled on the
 * device's own counter, apart from the account's counter of untrusted attempts: an attacker
 * who floods an account with guesses locks out the untrusted attempts only, and the real user
 * still logs in from a device that logged in before.
 *
 * A proof is `v1.<device id>.<expiry>.<mac>`: a random device id, an expiry in Unix seconds,
 * and an HMAC-SHA256 over both and the account's folded email. The email itself is not in the
 * proof (a stolen cookie names no account), and a proof is worth nothing with another account's
 * email. Verification is constant-time.
 */
import { createHash, createHmac, hkdfSync, KeyObject, randomBytes, timingSafeEqual } from 'node:crypto'
import { foldEmail } from '../email.ts'
import type { KeyMaterial } from '../jwt/keys.ts'

export interface DeviceProofsOptions {
  /** The HMAC key, at least 32 bytes of entropy. */
  secret: KeyMaterial
  /** How long a proof stays valid (default 90 days); every successful login issues a new one. */
  lifetimeSeconds?: number
  now?: () => number
}

/** 90 days: a user who logs in every few months keeps a trusted device. */
export const DEFAULT_DEVICE_PROOF_LIFETIME_SECONDS = 90 * 86_400

const VERSION = 'v1'
const DEVICE_ID = /^[A-Za-z0-9_-]{22}$/
const EXPIRY = /^[0-9]{1,12}$/

/**
 * @example
 * const proofs = new DeviceProofs({ secret: process.env.DEVICE_SECRET! })
 * const proof = proofs.issue('king.arthur@camelot.bt')
 * proofs.verify(proof, 'King.Arthur@camelot.bt') // the device id
 * proofs.verify(proof, 'lancelot@camelot.bt') // null
 */
export class DeviceProofs {
  readonly lifetimeSeconds: number
  readonly #key: Buffer
  readonly #now: () => number

  constructor(options: DeviceProofsOptions) {
    this.#key = secretBytes(options.secret)
    if (this.#key.length === 0) throw new TypeError('device proofs need a secret')
    this.lifetimeSeconds = options.lifetimeSeconds ?? DEFAULT_DEVICE_PROOF_LIFETIME_SECONDS
    if (!(Number.isInteger(this.lifetimeSeconds) && this.lifetimeSeconds > 0)) throw new TypeError('lifetimeSeconds must be a positive whole number')
    this.#now = options.now ?? Date.now
  }

  /**
   * A key for device proofs derived from another secret (HKDF-SHA256), so that one secret can
   * serve both purposes without a proof ever being usable as anything else.
   */
  static deriveSecret(secret: KeyMaterial): Buffer {
    return Buffer.from(hkdfSync('sha256', secretBytes(secret), Buffer.alloc(0), 'fastify-users device proof v1', 32))
  }

  /** A fresh proof, for a new device id, that a device logged in to `email`'s account. */
  issue(email: string): string {
    const deviceId = randomBytes(16).toString('base64url')
    const expiry = String(Math.floor(this.#now() / 1000) + this.lifetimeSeconds)
    return `${VERSION}.${deviceId}.${expiry}.${this.#mac(deviceId, expiry, email).toString('base64url')}`
  }

  /** The device id of a valid, unexpired proof for `email`'s account; otherwise null. */
  verify(proof: string, email: string): string | null {
    const parts = proof.split('.')
    if (parts.length !== 4 || parts[0] !== VERSION) return null
    const [, deviceId, expiry, mac] = parts as [string, string, string, string]
    if (!DEVICE_ID.test(deviceId) || !EXPIRY.test(expiry)) return null
    // Compared as text: base64url's last character has spare bits, so decoding first would
    // accept several spellings of one signature.
    const given = Buffer.from(mac)
    const expected = Buffer.from(this.#mac(deviceId, expiry, email).toString('base64url'))
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
    return Number(expiry) * 1000 > this.#now() ? deviceId : null
  }

  #mac(deviceId: string, expiry: string, email: string): Buffer {
    const account = createHash('sha256').update(foldEmail(email)).digest('base64url')
    return createHmac('sha256', this.#key).update(`${VERSION}.${deviceId}.${expiry}.${account}`).digest()
  }
}

function secretBytes(secret: KeyMaterial): Buffer {
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, Buffer.from reads a string as UTF-8 below as well
  if (typeof secret === 'string') return Buffer.from(secret, 'utf8')
  if (secret instanceof KeyObject) {
    if (secret.type !== 'secret') throw new TypeError('device proofs need a symmetric secret')
    return secret.export()
  }
  return Buffer.from(secret)
}
