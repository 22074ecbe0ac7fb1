/**
 * PasswordHelper's rules with cheap argon2id parameters and bcrypt cost 4, fast enough to run
 * under Stryker (docs/mutation.md): what is hashed, what counts as current, what is rehashed,
 * which stored formats are known. The same rules against FastAPI Users' own hashes, with their
 * real costs, are in password.test.ts.
 */
import { hash as argon2Hash } from '@node-rs/argon2'
import { hash as bcryptHash } from '@node-rs/bcrypt'
import { describe, expect, it } from 'vitest'
import { UnknownHashError } from '../src/errors.ts'
import { normalizePassword, OWASP_ARGON2ID, PasswordHelper } from '../src/password.ts'

const LIGHT = { memoryCost: 1024, timeCost: 1, parallelism: 1 }
const CURRENT = /^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/

/** An argon2id hash of `password` as another implementation may have written it. */
function foreignArgon2id(password: string, options: Record<string, unknown> = {}): Promise<string> {
  return argon2Hash(Buffer.from(password), { algorithm: 2, version: 1, ...LIGHT, ...options })
}

describe('PasswordHelper defaults', () => {
  it("hashes with OWASP's argon2id parameters when given none", async () => {
    expect(OWASP_ARGON2ID).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 })
    expect(Object.isFrozen(OWASP_ARGON2ID)).toBe(true)
    const helper = new PasswordHelper()
    expect(helper.parameters).toEqual(OWASP_ARGON2ID)
    expect(new PasswordHelper({ concurrency: 2 }).parameters).toEqual(OWASP_ARGON2ID)
    expect(await helper.hash('pw')).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
  })
})

describe('PasswordHelper: argon2id', () => {
  const helper = new PasswordHelper(LIGHT)

  it('writes version 0x13 with a 16-byte random salt and a 32-byte output, and verifies it as current', async () => {
    const [a, b] = await Promise.all([helper.hash('same password'), helper.hash('same password')])
    expect(a).toMatch(CURRENT)
    expect(a.split('$')[4]).not.toBe(b.split('$')[4])
    expect(await helper.verifyAndUpdate('same password', a)).toEqual({ verified: true, updatedHash: null })
    expect(await helper.verifyAndUpdate('same passwore', a)).toEqual({ verified: false, updatedHash: null })
  })

  it('rehashes, on success only, a hash differing in any parameter, the version, the salt or the output length', async () => {
    const variants = {
      version: { version: 0 },
      memoryCost: { memoryCost: 2048 },
      timeCost: { timeCost: 2 },
      parallelism: { parallelism: 2 },
      outputLen: { outputLen: 16 },
      saltLen: { salt: Buffer.alloc(8, 7) },
    }
    expect(await helper.verifyAndUpdate('pw', await foreignArgon2id('pw', { salt: Buffer.alloc(16, 7) }))).toEqual({ verified: true, updatedHash: null })
    for (const [name, options] of Object.entries(variants)) {
      const stored = await foreignArgon2id('pw', options)
      const { verified, updatedHash } = await helper.verifyAndUpdate('pw', stored)
      expect(verified, name).toBe(true)
      expect(updatedHash, name).toMatch(CURRENT)
      expect(await helper.verifyAndUpdate('pw', updatedHash!), name).toEqual({ verified: true, updatedHash: null })
      expect(await helper.verifyAndUpdate('wrong', stored), name).toEqual({ verified: false, updatedHash: null })
    }
  })

  it('refuses malformed argon2id strings and $argon2i$ / $argon2d$ as unknown', async () => {
    const good = await helper.hash('pw')
    for (const stored of ['$argon2id$', good.slice(0, 40), good.slice(0, -5), '$argon2id$v=19$m=1024,t=1,p=1$!!!!$????']) {
      await expect(helper.verifyAndUpdate('pw', stored), stored).rejects.toBeInstanceOf(UnknownHashError)
    }
    for (const algorithm of [0, 1] as const) {
      await expect(helper.verifyAndUpdate('pw', await argon2Hash('pw', { ...LIGHT, algorithm }))).rejects.toBeInstanceOf(UnknownHashError)
    }
  })
})

describe('PasswordHelper: bcrypt', () => {
  const helper = new PasswordHelper(LIGHT)

  it('verifies every prefix and always answers a new argon2id hash, on success only', async () => {
    const stored = await bcryptHash('p\u00e4ss-word', 4)
    for (const prefix of ['$2a$', '$2b$', '$2x$', '$2y$']) {
      const hash = prefix + stored.slice(4)
      const { verified, updatedHash } = await helper.verifyAndUpdate('p\u00e4ss-word', hash)
      expect(verified, prefix).toBe(true)
      expect(updatedHash, prefix).toMatch(CURRENT)
      expect(await helper.verifyAndUpdate('p\u00e4ss-wore', hash), prefix).toEqual({ verified: false, updatedHash: null })
    }
  })

  it('reads costs 04 to 31 and nothing else, in exactly 60 characters of its alphabet', async () => {
    const stored = await bcryptHash('right', 5)
    expect((await helper.verifyAndUpdate('right', stored)).verified).toBe(true)
    // Cost 31 is bcrypt's: read as such, not refused as unknown. Its salt's last character
    // carries bits no 16-byte salt has, so the native verifier answers false before 2^31 rounds.
    const cost31 = `${stored.slice(0, 4)}31${stored.slice(6, 28)}/${stored.slice(29)}`
    expect(await helper.verifyAndUpdate('right', cost31)).toEqual({ verified: false, updatedHash: null })
    const unknown = [
      stored.replace('$05$', '$03$'),
      stored.replace('$05$', '$32$'),
      stored.replace('$05$', '$5$'),
      stored.replace('$2b$', '$2c$'),
      stored.slice(0, -1),
      `${stored}A`,
      `x${stored}`,
      `${stored.slice(0, -1)}!`,
      '',
      'plaintext',
      null,
    ]
    for (const hash of unknown) {
      await expect(helper.verifyAndUpdate('right', hash as string), String(hash)).rejects.toBeInstanceOf(UnknownHashError)
    }
  })

  it('keeps bcrypt’s 72-byte limit for verification only', async () => {
    const long = `${'a'.repeat(72)}-tail`
    const stored = await bcryptHash(long, 4)
    const { verified, updatedHash } = await helper.verifyAndUpdate(`${'a'.repeat(72)}-other`, stored)
    expect(verified).toBe(true)
    expect((await helper.verifyAndUpdate('a'.repeat(72), updatedHash!)).verified).toBe(false)
  })
})

describe('PasswordHelper: normalisation', () => {
  const helper = new PasswordHelper(LIGHT)

  it('hashes the NFKC form, so every spelling verifies', async () => {
    expect(normalizePassword('Cafe\u0301')).toBe('Caf\u00e9')
    expect(normalizePassword('\ufb01le')).toBe('file')
    const stored = await helper.hash('\ufb01le-Cafe\u0301')
    for (const spelling of ['file-Caf\u00e9', '\ufb01le-Cafe\u0301', 'file-Cafe\u0301']) {
      expect(await helper.verifyAndUpdate(spelling, stored), spelling).toEqual({ verified: true, updatedHash: null })
    }
    expect(await helper.verifyAndUpdate('file-Cafe', stored)).toEqual({ verified: false, updatedHash: null })
  })

  it('verifies a legacy hash of the raw text, current parameters or not, and replaces it with one of the NFKC form', async () => {
    const raw = '\ufb01sh-\uff21bc'
    for (const options of [{}, { timeCost: 2 }]) {
      const legacy = await foreignArgon2id(raw, options)
      const { verified, updatedHash } = await helper.verifyAndUpdate(raw, legacy)
      expect(verified).toBe(true)
      expect(updatedHash).toMatch(CURRENT)
      expect(await helper.verifyAndUpdate('fish-Abc', updatedHash!)).toEqual({ verified: true, updatedHash: null })
      expect(await helper.verifyAndUpdate('fish-Abc', legacy)).toEqual({ verified: false, updatedHash: null })
      expect(await helper.verifyAndUpdate('\ufb01sh-\uff21bd', legacy)).toEqual({ verified: false, updatedHash: null })
    }
    // The raw text is tried only when it differs from its NFKC form: a bcrypt hash of the raw text too.
    const bcryptLegacy = await bcryptHash(Buffer.from(raw), 4)
    expect((await helper.verifyAndUpdate(raw, bcryptLegacy)).updatedHash).toMatch(CURRENT)
  })

  it('hashes the text as UTF-8', async () => {
    const stored = await foreignArgon2id('p\u00e4ss')
    expect((await helper.verifyAndUpdate('p\u00e4ss', stored)).verified).toBe(true)
    const latin1 = await argon2Hash(Buffer.from('p\u00e4ss', 'latin1'), { algorithm: 2, ...LIGHT })
    expect((await helper.verifyAndUpdate('p\u00e4ss', latin1)).verified).toBe(false)
  })
})

describe('PasswordHelper.generate', () => {
  it('returns 32 random bytes as base64url', () => {
    const helper = new PasswordHelper(LIGHT)
    const [a, b] = [helper.generate(), helper.generate()]
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(a, 'base64url')).toHaveLength(32)
    expect(a).not.toBe(b)
  })
})
