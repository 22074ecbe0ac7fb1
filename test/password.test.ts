import { hash as argon2Hash } from '@node-rs/argon2'
import { hash as bcryptHash } from '@node-rs/bcrypt'
import { describe, expect, it } from 'vitest'
import { UnknownHashError } from '../src/errors.ts'
import { OWASP_ARGON2ID, PasswordHelper } from '../src/password.ts'

// Hashes written by FastAPI Users itself (shared fixture database, fastapi-users-mixed.json):
// bcrypt by 12.1.3 (passlib), argon2id by 14.0.2 (pwdlib).
const UPSTREAM = {
  argon2id: {
    password: 'argon2-password-1',
    hash: '$argon2id$v=19$m=65536,t=3,p=4$f9/wv5cX7Z1e6Tway0iVrA$M0FV/He8MaE/sESbqGMBPVD/jIH1TRc6+KlgR+70gcs',
  },
  unicodeArgon2id: '$argon2id$v=19$m=65536,t=3,p=4$fKQr67xWzEf1cRAycXZqnA$QF4u+1DwJplQN3C/I4CsIWUbE/kP8GoWSVUjMQ7o5NA',
  unicodeBcrypt: '$2b$12$nrJ2zWSqPlQX1HD.jKUeZeG/fCZKO6l2qI9O2EED6mIDHPex/PHxS',
  longArgon2id: '$argon2id$v=19$m=65536,t=3,p=4$l43QRfLGlKu/EFQ7mPaw+g$pnfpDSeVHchoTn1MFSOk16Ne9g7u3Eyg4mS8cb+MxZo',
  longBcrypt: '$2b$12$RV/c8QfWtyKumyw05pI9c.mb3LanFXRpbE9XuHsboOoRDIav3dNrW',
}
const UNICODE_PASSWORD = 'p\u00e4ssw\u00f6rd-\u00fcn\u00efcode-9' // NFC, 22 UTF-8 bytes
const LONG_PASSWORD = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-END-80B'

const CURRENT_PHC = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/

const passwords = new PasswordHelper()

describe('PasswordHelper: new hashes', () => {
  it('uses OWASP argon2id parameters by default', () => {
    expect(OWASP_ARGON2ID).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 })
    expect(passwords.parameters).toEqual(OWASP_ARGON2ID)
  })

  it('writes an argon2id PHC string with a 16-byte salt and a 32-byte output', async () => {
    const stored = await passwords.hash('correct horse battery staple')
    expect(stored).toMatch(CURRENT_PHC)
    // base64 without padding: 22 characters hold 16 bytes, 43 hold 32
    const [, , , , salt, output] = stored.split('$')
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16)
    expect(Buffer.from(output ?? '', 'base64')).toHaveLength(32)
  })

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([passwords.hash('same'), passwords.hash('same')])
    expect(a).not.toBe(b)
  })

  it('round-trips without asking for a rehash', async () => {
    const stored = await passwords.hash('correct horse battery staple')
    expect(await passwords.verifyAndUpdate('correct horse battery staple', stored)).toEqual({
      verified: true,
      updatedHash: null,
    })
  })

  it('refuses a wrong password without a new hash', async () => {
    const stored = await passwords.hash('correct horse battery staple')
    expect(await passwords.verifyAndUpdate('Correct horse battery staple', stored)).toEqual({
      verified: false,
      updatedHash: null,
    })
  })

  it('takes its own parameters, and refuses impossible ones at construction', async () => {
    const custom = new PasswordHelper({ memoryCost: 8192, timeCost: 1 })
    expect(await custom.hash('pw')).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$/)
    expect(() => new PasswordHelper({ parallelism: 0 })).toThrow(RangeError)
    expect(() => new PasswordHelper({ timeCost: 1.5 })).toThrow(RangeError)
    expect(() => new PasswordHelper({ memoryCost: 4, parallelism: 1 })).toThrow(RangeError)
  })
})

describe('PasswordHelper: argon2id hashes of other parameters', () => {
  it("verifies FastAPI Users' m=65536,t=3,p=4 hash and returns a current one", async () => {
    const { password, hash } = UPSTREAM.argon2id
    const { verified, updatedHash } = await passwords.verifyAndUpdate(password, hash)
    expect(verified).toBe(true)
    expect(updatedHash).toMatch(CURRENT_PHC)
    expect(await passwords.verifyAndUpdate(password, updatedHash ?? '')).toEqual({ verified: true, updatedHash: null })
  })

  it('does not rehash when the helper uses the same parameters', async () => {
    const upstreamLike = new PasswordHelper({ memoryCost: 65536, timeCost: 3, parallelism: 4 })
    const { password, hash } = UPSTREAM.argon2id
    expect(await upstreamLike.verifyAndUpdate(password, hash)).toEqual({ verified: true, updatedHash: null })
  })

  it('rehashes when any single parameter differs', async () => {
    const stored = await passwords.hash('pw')
    for (const change of [{ memoryCost: 8192 }, { timeCost: 1 }, { parallelism: 2 }]) {
      const { verified, updatedHash } = await new PasswordHelper(change).verifyAndUpdate('pw', stored)
      expect(verified).toBe(true)
      expect(updatedHash).not.toBeNull()
    }
  })

  it('rehashes an argon2id hash of version 0x10', async () => {
    const old = await argon2Hash('pw', { algorithm: 2, version: 0, ...OWASP_ARGON2ID })
    expect(old).toMatch(/^\$argon2id\$v=16\$/)
    const { verified, updatedHash } = await passwords.verifyAndUpdate('pw', old)
    expect(verified).toBe(true)
    expect(updatedHash).toMatch(CURRENT_PHC)
  })

  it('refuses a wrong password without a new hash', async () => {
    expect(await passwords.verifyAndUpdate('argon2-password-2', UPSTREAM.argon2id.hash)).toEqual({
      verified: false,
      updatedHash: null,
    })
  })
})

describe('PasswordHelper: bcrypt hashes', () => {
  it('verifies a $2b$12$ hash and always returns an argon2id one', async () => {
    const stored = await bcryptHash('bcrypt-password-1', 12)
    expect(stored).toMatch(/^\$2b\$12\$.{53}$/)
    const { verified, updatedHash } = await passwords.verifyAndUpdate('bcrypt-password-1', stored)
    expect(verified).toBe(true)
    expect(updatedHash).toMatch(CURRENT_PHC)
    expect((await passwords.verifyAndUpdate('bcrypt-password-1', updatedHash ?? '')).verified).toBe(true)
  })

  it('refuses a wrong password without a new hash', async () => {
    const stored = await bcryptHash('bcrypt-password-1', 4)
    expect(await passwords.verifyAndUpdate('bcrypt-password-2', stored)).toEqual({ verified: false, updatedHash: null })
  })

  it('reads the $2a$, $2x$ and $2y$ prefixes as the same algorithm', async () => {
    const stored = await bcryptHash('p\u00e4ss', 4)
    for (const prefix of ['$2a$', '$2x$', '$2y$']) {
      const { verified, updatedHash } = await passwords.verifyAndUpdate('p\u00e4ss', prefix + stored.slice(4))
      expect(verified).toBe(true)
      expect(updatedHash).toMatch(CURRENT_PHC)
    }
  })

  it("uses only the first 72 bytes of FastAPI Users' 80-byte password", async () => {
    const prefix = LONG_PASSWORD.slice(0, 72)
    expect((await passwords.verifyAndUpdate(LONG_PASSWORD, UPSTREAM.longBcrypt)).verified).toBe(true)
    expect((await passwords.verifyAndUpdate(`${prefix}another tail`, UPSTREAM.longBcrypt)).verified).toBe(true)
    expect((await passwords.verifyAndUpdate(prefix.slice(0, 71), UPSTREAM.longBcrypt)).verified).toBe(false)

    // The new hash covers what was submitted: after a login with the prefix, only the prefix works.
    const { verified, updatedHash } = await passwords.verifyAndUpdate(prefix, UPSTREAM.longBcrypt)
    expect(verified).toBe(true)
    expect((await passwords.verifyAndUpdate(prefix, updatedHash ?? '')).verified).toBe(true)
    expect((await passwords.verifyAndUpdate(LONG_PASSWORD, updatedHash ?? '')).verified).toBe(false)
  })
})

describe('PasswordHelper: password bytes', () => {
  it('does not truncate under argon2id', async () => {
    const prefix = LONG_PASSWORD.slice(0, 72)
    expect((await passwords.verifyAndUpdate(LONG_PASSWORD, UPSTREAM.longArgon2id)).verified).toBe(true)
    expect((await passwords.verifyAndUpdate(prefix, UPSTREAM.longArgon2id)).verified).toBe(false)
    const own = await passwords.hash(LONG_PASSWORD)
    expect((await passwords.verifyAndUpdate(prefix, own)).verified).toBe(false)
  })

  it('normalises to NFKC: the NFC and NFD spellings verify against upstream NFC hashes and its own', async () => {
    const nfd = UNICODE_PASSWORD.normalize('NFD')
    expect(Buffer.from(UNICODE_PASSWORD).toString('hex')).toBe('70c3a4737377c3b672642dc3bc6ec3af636f64652d39')
    expect(nfd).not.toBe(UNICODE_PASSWORD)
    for (const stored of [UPSTREAM.unicodeArgon2id, UPSTREAM.unicodeBcrypt, await passwords.hash(UNICODE_PASSWORD), await passwords.hash(nfd)]) {
      expect((await passwords.verifyAndUpdate(UNICODE_PASSWORD, stored)).verified).toBe(true)
      expect((await passwords.verifyAndUpdate(nfd, stored)).verified).toBe(true)
      expect((await passwords.verifyAndUpdate('passwordunicode-9', stored)).verified).toBe(false)
    }
  })

  it('keeps a legacy hash of un-normalised text verifying, and replaces it by a hash of the NFKC form', async () => {
    const raw = '\ufb01sh-Cafe\u0301-\uff21bc-99' // ligature, decomposed é, fullwidth A
    const normalized = 'fish-Caf\u00e9-Abc-99'
    expect(raw.normalize('NFKC')).toBe(normalized)
    // What FastAPI Users stored: argon2id of the raw UTF-8 bytes, its parameters.
    const legacy = await argon2Hash(Buffer.from(raw), { algorithm: 2, memoryCost: 1024, timeCost: 1, parallelism: 1 })
    const { verified, updatedHash } = await passwords.verifyAndUpdate(raw, legacy)
    expect(verified).toBe(true)
    expect(updatedHash).toMatch(CURRENT_PHC)
    for (const spelling of [raw, normalized, raw.normalize('NFD')]) {
      expect(await passwords.verifyAndUpdate(spelling, updatedHash!), spelling).toEqual({ verified: true, updatedHash: null })
    }
    // Only the raw spelling matches the legacy hash: the normalised one was never hashed upstream.
    expect((await passwords.verifyAndUpdate(normalized, legacy)).verified).toBe(false)
  })

  it('hashes every spelling of a password alike', async () => {
    const stored = await passwords.hash('\ufb01le-cabinet-9')
    expect(await passwords.verifyAndUpdate('file-cabinet-9', stored)).toEqual({ verified: true, updatedHash: null })
  })
})

describe('PasswordHelper: unknown formats', () => {
  const bcrypt60 = '$2b$04$O0/Xi5XX4FVCnB5sxqhQ9uJpQpkdCfWmIpvKpmivfDhgXxc/EUK5e'
  const argon2id = UPSTREAM.argon2id.hash
  const cases: Array<[string, string]> = [
    ['empty', ''],
    ['plaintext', 'argon2-password-1'],
    ['garbage', 'not a hash at all'],
    ['Django pbkdf2', 'pbkdf2_sha256$600000$c2FsdHNhbHQ$hPM9QYGCBqD8vbT9l2K8Zc6kS2V0dXoJ9Y2mF0V4Wm8='],
    ['passlib pbkdf2', '$pbkdf2-sha256$29000$N2YMIWQsBWBMae09x1jrPQ$1t8iyB2A.WF/Z5JZv.lfCIhXXN33N23OSgQYThBYRfk'],
    ['scrypt', '$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E'],
    ['md5-crypt', '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/'],
    ['argon2id, truncated', argon2id.slice(0, 40)],
    ['argon2id, output cut short', argon2id.slice(0, -5)],
    ['argon2id, bad base64', '$argon2id$v=19$m=65536,t=3,p=4$!!!!$????'],
    ['argon2id, no parameters', '$argon2id$'],
    ['bcrypt, truncated', bcrypt60.slice(0, 50)],
    ['bcrypt, one character too many', `${bcrypt60}x`],
    ['bcrypt, unknown $2c$ prefix', `$2c$${bcrypt60.slice(4)}`],
    ['bcrypt, cost 03', `$2b$03$${bcrypt60.slice(7)}`],
    ['bcrypt, cost 99', `$2b$99$${bcrypt60.slice(7)}`],
    ['bcrypt, 1-digit cost', `$2b$4$${bcrypt60.slice(7)}`],
  ]

  it.each(cases)('%s throws UnknownHashError', async (_name, stored) => {
    await expect(passwords.verifyAndUpdate('argon2-password-1', stored)).rejects.toBeInstanceOf(UnknownHashError)
  })

  it('refuses a stored value that is not a string', async () => {
    await expect(passwords.verifyAndUpdate('pw', null as unknown as string)).rejects.toBeInstanceOf(UnknownHashError)
  })

  it('does not identify $argon2i$ or $argon2d$ (pwdlib matches $argon2id$ only)', async () => {
    for (const algorithm of [0, 1] as const) {
      const stored = await argon2Hash('pw', { algorithm, ...OWASP_ARGON2ID })
      expect(stored).toMatch(/^\$argon2[id]\$/)
      await expect(passwords.verifyAndUpdate('pw', stored)).rejects.toBeInstanceOf(UnknownHashError)
    }
  })
})

describe('PasswordHelper.generate', () => {
  it('returns 32 random bytes as base64url', () => {
    const generated = new Set(Array.from({ length: 100 }, () => passwords.generate()))
    expect(generated.size).toBe(100)
    for (const password of generated) {
      expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(Buffer.from(password, 'base64url')).toHaveLength(32)
    }
  })
})

describe('PasswordHelper: off the event loop', () => {
  it('lets the event loop turn while 8 hashes run', async () => {
    let ticks = 0
    let running = true
    const tick = (): void => {
      ticks++
      if (running) setImmediate(tick)
    }
    setImmediate(tick)
    const hashes = Array.from({ length: 8 }, (_, i) => passwords.hash(`password-${i}`))
    // A hash computed on this thread would finish before any tick could run.
    await Promise.race(hashes)
    const ticksBeforeFirstHash = ticks
    await Promise.all(hashes)
    running = false
    expect(ticksBeforeFirstHash).toBeGreaterThan(0)
    expect(ticks).toBeGreaterThanOrEqual(ticksBeforeFirstHash)
  })
})
