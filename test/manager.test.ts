/**
 * The user manager, called programmatically and through the routes where its rules show:
 * safe/unsafe create and update, the email race (deliberate difference 3), delete hooks,
 * rehash at login (CONTRACT §9.5) and unknown hash formats (deliberate difference 1).
 */
import { hash as bcryptHash } from '@node-rs/bcrypt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode, InvalidPasswordError, PasswordHelper } from '../src/index.ts'
import { UNKNOWN_UUID, buildTestApp, captureLog, form, uniqueEmail, type TestApp } from './support/app.ts'

const OTHER_PARAMETERS = new PasswordHelper({ memoryCost: 2048, timeCost: 1, parallelism: 1 })
const CURRENT_HASH = /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/

describe('UserManager', () => {
  const log = captureLog()
  const deletions: string[] = []
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({
      logger: log.logger,
      manager: {
        onBeforeDelete: async (user) => {
          deletions.push(`before: stored=${(await t.store.users.get(user.id)) !== null}`)
        },
        onAfterDelete: async (user) => {
          deletions.push(`after: stored=${(await t.store.users.get(user.id)) !== null}`)
        },
      },
    })
  })
  afterAll(() => t.close())

  const manager = () => t.users.manager
  const newUser = (fields: Record<string, unknown> = {}) => ({ email: uniqueEmail(), password: 'a-good-password', ...fields })

  it('create honours the privileged flags unless safe', async () => {
    const flags = { is_active: false, is_superuser: true, is_verified: true }
    const unsafe = await manager().create(newUser(flags))
    expect(unsafe).toMatchObject(flags)
    const safe = await manager().create(newUser({ ...flags, id: UNKNOWN_UUID, hashed_password: 'x' }), { safe: true })
    expect(safe).toMatchObject({ is_active: true, is_superuser: false, is_verified: false })
    expect(safe.id).not.toBe(UNKNOWN_UUID)
    expect(safe.hashed_password).toMatch(CURRENT_HASH)
  })

  it('create refuses a taken email in another case, with the register error code', async () => {
    const input = newUser()
    await manager().create(input)
    await expect(manager().create({ ...input, email: input.email.toUpperCase() })).rejects.toMatchObject({
      code: ErrorCode.REGISTER_USER_ALREADY_EXISTS,
    })
  })

  it('lets exactly one of 20 concurrent registrations of one address in different cases through (deliberate difference 3)', async () => {
    const local = `race-${Date.now()}-abcdefghijklmnop`
    const spellings = Array.from({ length: 20 }, (_, n) =>
      [...local].map((char, i) => ((n >> i % 5) & 1 ? char.toUpperCase() : char)).join('') + '@Example.com',
    )
    expect(new Set(spellings).size).toBe(20)
    const responses = await Promise.all(
      spellings.map((email) => t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 'a-good-password' } })),
    )
    const statuses = responses.map((res) => res.statusCode).sort()
    expect(statuses).toEqual([201, ...Array<number>(19).fill(400)])
    for (const res of responses.filter((r) => r.statusCode === 400)) {
      expect(res.json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' })
    }
    const winner = responses.find((r) => r.statusCode === 201)!.json()
    expect((await t.store.users.getByEmail(`${local}@example.com`))?.id).toBe(winner.id)
  })

  it('update with the same email changes nothing and reports no change', async () => {
    const user = await manager().create(newUser({ is_verified: true }))
    t.calls.length = 0
    const same = await manager().update(user, { email: user.email }, { safe: true })
    expect(same).toEqual(user)
    expect(t.callsOf('onAfterUpdate')[0]!.args[1]).toEqual({})
  })

  it('update ignores privileged fields when safe and sets them when not', async () => {
    const user = await manager().create(newUser())
    const safe = await manager().update(user, { is_superuser: true, is_active: false, is_verified: true }, { safe: true })
    expect(safe).toMatchObject({ is_superuser: false, is_active: true, is_verified: false })
    const unsafe = await manager().update(user, { is_superuser: true, is_active: false, is_verified: true })
    expect(unsafe).toMatchObject({ is_superuser: true, is_active: false, is_verified: true })
  })

  it('delete runs onBeforeDelete while the user exists and onAfterDelete once it is gone', async () => {
    const user = await manager().create(newUser())
    deletions.length = 0
    await manager().delete(user)
    expect(deletions).toEqual(['before: stored=true', 'after: stored=false'])
    expect(await manager().get(user.id)).toBeNull()
  })

  it('get takes any UUID spelling and answers null to unknown or malformed ids', async () => {
    const user = await manager().create(newUser())
    expect((await manager().get(user.id.toUpperCase()))?.id).toBe(user.id)
    expect(await manager().get(UNKNOWN_UUID)).toBeNull()
    expect(await manager().get('not-a-uuid')).toBeNull()
  })

  it('authenticate rehashes a hash of other argon2 parameters, once, and only on success', async () => {
    const stored = await OTHER_PARAMETERS.hash('the-password-1')
    const user = await t.store.users.create({ email: uniqueEmail(), hashed_password: stored, is_active: true, is_superuser: false, is_verified: false })
    expect(await manager().authenticate({ username: user.email, password: 'wrong-password' })).toBeNull()
    expect((await t.store.users.get(user.id))!.hashed_password).toBe(stored)

    const authenticated = await manager().authenticate({ username: user.email.toUpperCase(), password: 'the-password-1' })
    expect(authenticated?.hashed_password).toMatch(CURRENT_HASH)
    const rehashed = (await t.store.users.get(user.id))!.hashed_password
    expect(rehashed).toBe(authenticated!.hashed_password)
    await manager().authenticate({ username: user.email, password: 'the-password-1' })
    expect((await t.store.users.get(user.id))!.hashed_password).toBe(rehashed)
  })

  it('authenticate rehashes a bcrypt hash, even for an inactive user', async () => {
    const user = await t.store.users.create({
      email: uniqueEmail(),
      hashed_password: await bcryptHash('the-password-2', 4),
      is_active: false,
      is_superuser: false,
      is_verified: false,
    })
    const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: user.email, password: 'the-password-2' }) })
    expect(res.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    expect((await t.store.users.get(user.id))!.hashed_password).toMatch(CURRENT_HASH)
  })

  it('authenticate spends a hash on an unknown email and answers null', async () => {
    expect(await manager().authenticate({ username: uniqueEmail('nobody'), password: 'whatever-password' })).toBeNull()
  })

  it('answers a login on a hash of unknown format with LOGIN_BAD_CREDENTIALS and a warning, never a 500', async () => {
    const formats = ['plaintext-password', '$argon2i$v=19$m=16,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', 'pbkdf2_sha256$260000$salt$hash', '']
    for (const hashed_password of formats) {
      const user = await t.store.users.create({ email: uniqueEmail(), hashed_password, is_active: true, is_superuser: false, is_verified: false })
      const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: user.email, password: 'plaintext-password' }) })
      expect(res.statusCode, hashed_password).toBe(400)
      expect(res.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
      const warnings = log.entries().filter((entry) => entry.level === 40 && entry.email === user.email)
      expect(warnings, hashed_password).toHaveLength(1)
      expect(String(warnings[0]!.msg)).toMatch(/unknown format/)
    }
    expect(log.text()).not.toContain('plaintext-password')
    expect(log.entries().filter((entry) => Number(entry.level) >= 50)).toEqual([])
  })

  it('takes an application password policy instead of the default', async () => {
    const custom = await buildTestApp({
      manager: {
        validatePassword: (password) => {
          if (!/[0-9]/.test(password)) throw new InvalidPasswordError('Password should contain a digit')
        },
      },
    })
    try {
      const refused = await custom.app.inject({ method: 'POST', url: '/auth/register', payload: { email: uniqueEmail(), password: 'no-digits-here' } })
      expect(refused.json()).toEqual({ detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password should contain a digit' } })
      const accepted = await custom.app.inject({ method: 'POST', url: '/auth/register', payload: { email: uniqueEmail(), password: 'ab1' } })
      expect(accepted.statusCode).toBe(201)
      await expect(custom.users.manager.validatePassword('nodigit', { email: 'a@b.io' }, ErrorCode.UPDATE_USER_INVALID_PASSWORD)).rejects.toMatchObject(
        { code: ErrorCode.UPDATE_USER_INVALID_PASSWORD, reason: 'Password should contain a digit' },
      )
    } finally {
      await custom.close()
    }
  })
})
