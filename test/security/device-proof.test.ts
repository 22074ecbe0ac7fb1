/**
 * Device proofs on their own (src/security/device-proof.ts): the proof's shape and lifetime,
 * what binds it to an account, each malformed part refused, and the secrets accepted.
 */
import { createHash, createHmac, createSecretKey, generateKeyPairSync, hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEFAULT_DEVICE_PROOF_LIFETIME_SECONDS, DeviceProofs } from '../../src/security/device-proof.ts'

const SECRET = 'device-proof-test-secret-of-32-characters'
const NOW = 1_800_000_000_000
const EMAIL = 'king.arthur@camelot.bt'

/** The MAC a proof of these parts carries, computed independently of the class. */
function macOf(secret: string | Buffer, deviceId: string, expiry: string, email: string): string {
  const account = createHash('sha256').update(email.replace(/[A-Z]+/g, (s) => s.toLowerCase())).digest('base64url')
  return createHmac('sha256', secret).update(`v1.${deviceId}.${expiry}.${account}`).digest('base64url')
}

describe('DeviceProofs', () => {
  it('issues v1.<22-character device id>.<expiry>.<HMAC of both and the account>', () => {
    const proofs = new DeviceProofs({ secret: SECRET, lifetimeSeconds: 3600, now: () => NOW + 999 })
    const proof = proofs.issue(EMAIL)
    const [version, deviceId, expiry, mac, ...rest] = proof.split('.')
    expect(version).toBe('v1')
    expect(deviceId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(expiry).toBe(String(NOW / 1000 + 3600))
    expect(mac).toBe(macOf(SECRET, deviceId!, expiry!, EMAIL))
    expect(rest).toEqual([])
    expect(proofs.verify(proof, EMAIL)).toBe(deviceId)
    expect(proofs.issue(EMAIL).split('.')[1]).not.toBe(deviceId)
  })

  it('lasts 90 days by default, and refuses a proof from its expiry on', () => {
    let now = NOW
    const proofs = new DeviceProofs({ secret: SECRET, now: () => now })
    expect(proofs.lifetimeSeconds).toBe(DEFAULT_DEVICE_PROOF_LIFETIME_SECONDS)
    expect(DEFAULT_DEVICE_PROOF_LIFETIME_SECONDS).toBe(90 * 86_400)
    const proof = proofs.issue(EMAIL)
    expect(proof.split('.')[2]).toBe(String(NOW / 1000 + 90 * 86_400))
    now = NOW + 90 * 86_400_000 - 1
    expect(proofs.verify(proof, EMAIL)).not.toBeNull()
    now = NOW + 90 * 86_400_000
    expect(proofs.verify(proof, EMAIL)).toBeNull()
  })

  it('uses the clock of the process by default', () => {
    const proofs = new DeviceProofs({ secret: SECRET, lifetimeSeconds: 60 })
    const before = Math.floor(Date.now() / 1000)
    const expiry = Number(proofs.issue(EMAIL).split('.')[2])
    expect(expiry).toBeGreaterThanOrEqual(before + 60)
    expect(expiry).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 60)
    const stale = `v1.AAAAAAAAAAAAAAAAAAAAAA.${before - 1}.${macOf(SECRET, 'AAAAAAAAAAAAAAAAAAAAAA', String(before - 1), EMAIL)}`
    expect(proofs.verify(stale, EMAIL)).toBeNull()
  })

  it('binds a proof to its account, compared as the database compares emails (ASCII case only)', () => {
    const proofs = new DeviceProofs({ secret: SECRET, now: () => NOW })
    const proof = proofs.issue(EMAIL)
    expect(proofs.verify(proof, 'King.Arthur@Camelot.BT')).not.toBeNull()
    expect(proofs.verify(proof, 'lancelot@camelot.bt')).toBeNull()
    expect(new DeviceProofs({ secret: `${SECRET}!`, now: () => NOW }).verify(proof, EMAIL)).toBeNull()
  })

  it('refuses a proof with any part missing, extra, or out of shape', () => {
    const proofs = new DeviceProofs({ secret: SECRET, now: () => NOW })
    const [, id, expiry, mac] = proofs.issue(EMAIL).split('.') as [string, string, string, string]
    const signed = (deviceId: string, exp: string) => `v1.${deviceId}.${exp}.${macOf(SECRET, deviceId, exp, EMAIL)}`
    expect(proofs.verify(`v1.${id}.${expiry}.${mac}`, EMAIL)).toBe(id)
    for (const bad of [
      `v2.${id}.${expiry}.${mac}`,
      `v1.${id}.${expiry}.${mac}.`,
      `v1.${id}.${expiry}.${mac}.x`,
      `v1.${id}.${expiry}`,
      `v1.${id}`,
      'v1',
      '',
      `v1.${id}.${expiry}.${mac.slice(0, -1)}`,
      `v1.${id}.${expiry}.${mac}A`,
      `v1.${id}.${expiry}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      // Well signed, but the device id or the expiry is out of shape.
      signed(`${id}A`, expiry),
      signed(id.slice(1), expiry),
      signed(`${id.slice(1)}+`, expiry),
      signed(id, `${expiry}0`.padStart(13, '9')),
      signed(id, `+${expiry}`),
      signed(id, `${expiry}x`),
      signed(id, `x${expiry}`),
      signed(id, ''),
      signed('', expiry),
    ]) {
      expect(proofs.verify(bad, EMAIL), bad).toBeNull()
    }
    // The shapes' limits themselves: a 12-digit expiry and any base64url device id pass.
    expect(proofs.verify(signed('-_AZaz09-_AZaz09-_AZaz', '999999999999'), EMAIL)).toBe('-_AZaz09-_AZaz09-_AZaz')
  })

  it('takes a string, bytes or a secret KeyObject, refusing an empty secret and a key pair', () => {
    const bytes = Buffer.from(SECRET)
    for (const secret of [SECRET, bytes, new Uint8Array(bytes), createSecretKey(bytes)]) {
      const proof = new DeviceProofs({ secret, now: () => NOW }).issue(EMAIL)
      const [, id, expiry, mac] = proof.split('.') as [string, string, string, string]
      expect(mac).toBe(macOf(SECRET, id, expiry, EMAIL))
    }
    expect(() => new DeviceProofs({ secret: '' })).toThrow(new TypeError('device proofs need a secret'))
    expect(() => new DeviceProofs({ secret: Buffer.alloc(0) })).toThrow(new TypeError('device proofs need a secret'))
    const { privateKey } = generateKeyPairSync('ed25519')
    expect(() => new DeviceProofs({ secret: privateKey })).toThrow(new TypeError('device proofs need a symmetric secret'))
  })

  it('refuses a lifetime that is not a positive whole number', () => {
    for (const lifetimeSeconds of [0, -1, 1.5, Number.NaN]) {
      expect(() => new DeviceProofs({ secret: SECRET, lifetimeSeconds })).toThrow(new TypeError('lifetimeSeconds must be a positive whole number'))
    }
    expect(new DeviceProofs({ secret: SECRET, lifetimeSeconds: 1 }).lifetimeSeconds).toBe(1)
  })

  it('derives its own key from another secret with HKDF-SHA256 under a purpose label', () => {
    const derived = DeviceProofs.deriveSecret(SECRET)
    expect(derived).toEqual(Buffer.from(hkdfSync('sha256', Buffer.from(SECRET), Buffer.alloc(0), 'fastify-users device proof v1', 32)))
    expect(DeviceProofs.deriveSecret(Buffer.from(SECRET))).toEqual(derived)
    const proof = new DeviceProofs({ secret: derived, now: () => NOW }).issue(EMAIL)
    expect(new DeviceProofs({ secret: SECRET, now: () => NOW }).verify(proof, EMAIL)).toBeNull()
    expect(new DeviceProofs({ secret: DeviceProofs.deriveSecret(SECRET), now: () => NOW }).verify(proof, EMAIL)).not.toBeNull()
  })
})
