/**
 * Usernames on the wire (issue 16): off by default, with no trace in any answer; on, in the
 * user models, taken at registration and in both PATCH routes, unique in any letter case, and
 * accepted by the login form in place of the email, with the same timing defence and one login
 * throttle count per account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PasswordHelper } from '../../src/password.ts'
import { bearerAuth, buildTestApp, form, uniqueEmail, type TestApp } from '../support/app.ts'

const PASSWORD = 'a-good-password'
let counter = 0
const uniqueName = (tag = 'knight') => `${tag}${process.pid}x${++counter}`

function inject(t: TestApp) {
  return {
    register: (payload: object) => t.app.inject({ method: 'POST', url: '/auth/register', payload }),
    login: (username: string, password: string) => t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username, password }) }),
    me: (token: string) => t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(token) }),
    patchMe: (token: string, payload: object) => t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(token), payload }),
    patchUser: (token: string, id: string, payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/users/${id}`, headers: bearerAuth(token), payload }),
  }
}

describe('usernames off (the default)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('leaves the models as FastAPI Users has them: a username in a body is ignored, none in any answer', async () => {
    const { register, me, patchMe } = inject(t)
    const email = uniqueEmail()
    const res = await register({ email, password: PASSWORD, username: 'arthur' })
    expect(res.statusCode).toBe(201)
    expect(Object.keys(res.json())).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified'])
    expect((await t.store.users.get(res.json().id))?.['username']).toBeUndefined()
    const token = await t.login(email, PASSWORD)
    expect(Object.keys((await me(token)).json())).not.toContain('username')
    const patched = await patchMe(token, { username: 'arthur' })
    expect(patched.statusCode).toBe(200)
    expect(Object.keys(patched.json())).not.toContain('username')
  })

  it('looks every login name up as an email, as FastAPI Users does', async () => {
    const { user, password } = await t.createUser({ password: PASSWORD })
    // A user the manager may not give a username to while they are off: the adapter can.
    await t.store.users.update(user, { username: 'percival' })
    const res = await inject(t).login('percival', password)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
  })
})

describe('usernames on, optional', () => {
  let t: TestApp
  let hashes = 0
  class CountingHelper extends PasswordHelper {
    override hash(password: string): Promise<string> {
      hashes++
      return super.hash(password)
    }
  }
  beforeAll(async () => {
    t = await buildTestApp({
      usernames: { reserved: ['admin', 'Merlin'] },
      manager: { passwordHelper: new CountingHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1 }) },
      security: { loginThrottle: { freeFailures: 2, baseDelayMs: 60_000 } },
    })
  })
  afterAll(() => t.close())

  it('registers with and without a username; the answer always carries it', async () => {
    const { register } = inject(t)
    const name = uniqueName('Arthur')
    const named = await register({ email: uniqueEmail(), password: PASSWORD, username: name })
    expect(named.statusCode, named.body).toBe(201)
    expect(Object.keys(named.json())).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified', 'username'])
    expect(named.json().username).toBe(name)
    const unnamed = await register({ email: uniqueEmail(), password: PASSWORD })
    expect(unnamed.statusCode).toBe(201)
    expect(unnamed.json().username).toBeNull()
    const nulled = await register({ email: uniqueEmail(), password: PASSWORD, username: null })
    expect(nulled.statusCode).toBe(201)
    expect(nulled.json().username).toBeNull()
  })

  it('refuses a username taken in any letter case with its own code', async () => {
    const { register } = inject(t)
    const name = uniqueName('Gawain')
    expect((await register({ email: uniqueEmail(), password: PASSWORD, username: name })).statusCode).toBe(201)
    const email = uniqueEmail()
    const taken = await register({ email, password: PASSWORD, username: name.toUpperCase() })
    expect(taken.statusCode).toBe(400)
    expect(taken.json()).toEqual({ detail: 'REGISTER_USERNAME_ALREADY_EXISTS' })
    expect(await t.store.users.getByEmail(email)).toBeNull()
  })

  it.each([
    ['ab', 'Username must be between 3 and 32 characters'],
    ['x'.repeat(33), 'Username must be between 3 and 32 characters'],
    ['sir lancelot', 'Username may only contain letters, digits, dots, hyphens and underscores, and must start and end with a letter or a digit'],
    ['-lancelot', 'Username may only contain letters, digits, dots, hyphens and underscores, and must start and end with a letter or a digit'],
    ['lancelot@camelot', 'Username must not contain @'],
    ['ADMIN', 'Username is reserved'],
    ['merlin', 'Username is reserved'],
  ])('refuses %j at registration with the reason, before anything is stored', async (username, reason) => {
    const email = uniqueEmail()
    const res = await inject(t).register({ email, password: PASSWORD, username })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ detail: { code: 'REGISTER_INVALID_USERNAME', reason } })
    expect(await t.store.users.getByEmail(email)).toBeNull()
  })

  it('answers a username of the wrong type, or empty, with a 422', async () => {
    const { register } = inject(t)
    for (const username of [42, '', ['a']]) {
      const res = await register({ email: uniqueEmail(), password: PASSWORD, username })
      expect(res.statusCode).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
  })

  it('stores full-width letters in their plain form (NFKC), and logs them in either way', async () => {
    const { register, login } = inject(t)
    const plain = uniqueName('tristan')
    const wide = [...plain].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')
    const res = await register({ email: uniqueEmail(), password: PASSWORD, username: wide })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().username).toBe(plain)
    expect((await login(wide, PASSWORD)).statusCode).toBe(200)
  })

  it('logs in by username in any letter case, or by email, and refuses an unknown username as a wrong password', async () => {
    const { register, login } = inject(t)
    const name = uniqueName('Bedivere')
    const email = uniqueEmail()
    await register({ email, password: PASSWORD, username: name })
    for (const username of [name, name.toLowerCase(), name.toUpperCase(), email]) {
      const res = await login(username, PASSWORD)
      expect(res.statusCode, username).toBe(200)
      expect(res.json().token_type).toBe('bearer')
    }
    const wrong = await login(name, 'not-the-password')
    const unknown = await login(uniqueName('nobody'), PASSWORD)
    expect(wrong.statusCode).toBe(400)
    expect(unknown.statusCode).toBe(400)
    expect(wrong.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    expect(unknown.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
  })

  it('spends a password hash on an unknown username, as on an unknown email', async () => {
    const { login } = inject(t)
    const before = hashes
    await login(uniqueName('ghost'), PASSWORD)
    expect(hashes - before).toBe(1)
    await login(uniqueEmail('ghost'), PASSWORD)
    expect(hashes - before).toBe(2)
  })

  it("counts failed logins through an account's username and its email as one account's", async () => {
    const { register, login } = inject(t)
    const name = uniqueName('Mordred')
    const email = uniqueEmail()
    await register({ email, password: PASSWORD, username: name })
    expect((await login(name, 'wrong-password-1')).statusCode).toBe(400)
    expect((await login(email.toUpperCase(), 'wrong-password-2')).statusCode).toBe(400)
    // Two free failures, one through each name: the third attempt waits, through either.
    const locked = await login(name.toLowerCase(), PASSWORD)
    expect(locked.statusCode).toBe(429)
    expect((await login(email, PASSWORD)).statusCode).toBe(429)
    // Another account, and an unknown username, keep their own counts.
    expect((await login(uniqueName('stranger'), PASSWORD)).statusCode).toBe(400)
  })

  it('sets, changes, re-cases and removes the own username through PATCH /users/me', async () => {
    const { register, patchMe, me } = inject(t)
    const email = uniqueEmail()
    await register({ email, password: PASSWORD })
    const token = await t.login(email, PASSWORD)
    expect((await me(token)).json().username).toBeNull()
    const name = uniqueName('galahad')
    const set = await patchMe(token, { username: name })
    expect(set.statusCode, set.body).toBe(200)
    expect(set.json().username).toBe(name)
    const recased = await patchMe(token, { username: name.toUpperCase() })
    expect(recased.statusCode).toBe(200)
    expect(recased.json().username).toBe(name.toUpperCase())
    const updates = t.callsOf('onAfterUpdate')
    expect(updates.at(-1)?.args[1]).toEqual({ username: name.toUpperCase() })
    expect((await me(token)).json().username).toBe(name.toUpperCase())
    const removed = await patchMe(token, { username: null })
    expect(removed.statusCode).toBe(200)
    expect(removed.json().username).toBeNull()
    expect(await t.store.users.getByUsername!(name)).toBeNull()
  })

  it('refuses a taken or invalid username in PATCH /users/me, changing nothing', async () => {
    const { register, patchMe } = inject(t)
    const taken = uniqueName('Kay')
    await register({ email: uniqueEmail(), password: PASSWORD, username: taken })
    const email = uniqueEmail()
    const own = uniqueName('lamorak')
    await register({ email, password: PASSWORD, username: own })
    const token = await t.login(email, PASSWORD)
    const clash = await patchMe(token, { username: taken.toLowerCase(), email: uniqueEmail() })
    expect(clash.statusCode).toBe(400)
    expect(clash.json()).toEqual({ detail: 'UPDATE_USER_USERNAME_ALREADY_EXISTS' })
    const invalid = await patchMe(token, { username: 'Admin' })
    expect(invalid.json()).toEqual({ detail: { code: 'UPDATE_USER_INVALID_USERNAME', reason: 'Username is reserved' } })
    const stored = await t.store.users.getByEmail(email)
    expect(stored?.['username']).toBe(own)
  })

  it('lets a superuser set and clear a username through PATCH /users/{id}, under the same rules', async () => {
    const { patchUser } = inject(t)
    const admin = await t.createUser({ is_superuser: true, is_verified: true })
    const { user } = await t.createUser()
    const name = uniqueName('Pellinore')
    const set = await patchUser(admin.token, user.id, { username: name })
    expect(set.statusCode, set.body).toBe(200)
    expect(set.json().username).toBe(name)
    const taken = await t.createUser()
    const clash = await patchUser(admin.token, taken.user.id, { username: name.toLowerCase() })
    expect(clash.json()).toEqual({ detail: 'UPDATE_USER_USERNAME_ALREADY_EXISTS' })
    const cleared = await patchUser(admin.token, user.id, { username: null })
    expect(cleared.json().username).toBeNull()
  })

  it('declares username in the OpenAPI models', () => {
    const { read, create, updateSelf } = t.users.schemas
    expect(read.properties).toHaveProperty('username')
    expect(create.required).not.toContain('username')
    expect(updateSelf.properties).toHaveProperty('username')
  })
})

describe('usernames on, required', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ usernames: { required: true } })
  })
  afterAll(() => t.close())

  it('refuses a registration without a username (422), and a removal (400)', async () => {
    const { register, patchMe } = inject(t)
    const missing = await register({ email: uniqueEmail(), password: PASSWORD })
    expect(missing.statusCode).toBe(422)
    const email = uniqueEmail()
    const res = await register({ email, password: PASSWORD, username: uniqueName('Ector') })
    expect(res.statusCode).toBe(201)
    const token = await t.login(email, PASSWORD)
    const removal = await patchMe(token, { username: null })
    expect(removal.json()).toEqual({ detail: { code: 'UPDATE_USER_INVALID_USERNAME', reason: 'Username is required' } })
    expect(t.users.schemas.create.required).toContain('username')
  })

  it("refuses a client's registration without one through the manager too; the server's own creations may have none", async () => {
    await expect(t.users.manager.create({ email: uniqueEmail(), password: PASSWORD }, { safe: true })).rejects.toMatchObject({
      code: 'REGISTER_INVALID_USERNAME',
      detail: { code: 'REGISTER_INVALID_USERNAME', reason: 'Username is required' },
    })
    // A magic link's or a script's user (an unsafe create).
    const created = await t.users.manager.create({ email: uniqueEmail(), password: PASSWORD })
    expect(created['username']).toBeUndefined()
  })
})
