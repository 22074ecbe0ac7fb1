/**
 * Passkeys on the wire, with a software authenticator (test/support/soft-authenticator.ts):
 * registration while logged in, a discoverable login on bearer and cookie backends, listing,
 * renaming and deleting; and every refusal: a challenge reused, expired, of another ceremony
 * or user, a counter gone backwards, another origin, an unknown credential, an inactive or
 * banned user, and two-factor still asked when the authenticator did not verify the user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryPasskeyStore } from '../../src/passkeys/memory-store.ts'
import { MemoryTwoFactorStore } from '../../src/two-factor/memory-store.ts'
import { totpCode, totpStep } from '../../src/two-factor/totp.ts'
import { bearerAuth, buildTestApp, type TestApp } from '../support/app.ts'
import { SoftAuthenticator } from '../support/soft-authenticator.ts'
import { decodeBase32IgnorePadding } from '@oslojs/encoding'

const ORIGIN = 'http://localhost:8000'
const PASSKEYS = { rpID: 'localhost', rpName: 'Test', origins: [ORIGIN] }

describe('passkeys off (the default)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('has no passkey route', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/auth/jwt/passkey/login', payload: {} })).statusCode).toBe(404)
    expect(() => t.users.passkeyRoutes()).toThrow(/passkeys option/)
    expect(() => t.users.passkeyAccountRoutes()).toThrow(/passkeys option/)
  })
})

describe('passkeys', () => {
  let t: TestApp
  const clock = { now: Date.now() }
  const store = new MemoryPasskeyStore()
  beforeAll(async () => {
    t = await buildTestApp({
      passkeys: { ...PASSKEYS, store, now: () => clock.now },
      twoFactor: { store: new MemoryTwoFactorStore(), encryptionKey: 'passkey-two-factor-key-of-32-bytes-or-more', issuer: 'x' },
      usersRoutes: { bans: true },
    })
  })
  afterAll(() => t.close())

  const post = (url: string, token?: string, payload?: object) =>
    t.app.inject({ method: 'POST', url, ...(token === undefined ? {} : { headers: bearerAuth(token) }), ...(payload === undefined ? {} : { payload }) })

  async function register(token: string, authenticator: SoftAuthenticator, name?: string) {
    const options = await post('/auth/passkey/register/options', token)
    expect(options.statusCode, options.body).toBe(200)
    const { challenge_token, public_key } = options.json()
    return post('/auth/passkey/register', token, { challenge_token, credential: authenticator.create(public_key), ...(name === undefined ? {} : { name }) })
  }

  async function loginOptions() {
    const res = await post('/auth/passkey/login/options')
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { challenge_token: string; public_key: Record<string, any>; expires_in: number }
  }

  async function login(authenticator: SoftAuthenticator, backend = 'jwt') {
    const { challenge_token, public_key } = await loginOptions()
    return post(`/auth/${backend}/passkey/login`, undefined, { challenge_token, credential: authenticator.get(public_key) })
  }

  it('registers a passkey while logged in, then logs in with it on bearer and cookie, no address typed', async () => {
    const { user, token } = await t.createUser()
    const device = new SoftAuthenticator({ origin: ORIGIN })
    const created = await register(token, device, 'Laptop')
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).toMatchObject({ name: 'Laptop', last_used_at: null, transports: ['internal'], device_type: 'singleDevice', backed_up: false })

    const options = await loginOptions()
    expect(options.public_key).toMatchObject({ rpId: 'localhost', userVerification: 'preferred' })
    expect(options.public_key.allowCredentials ?? []).toEqual([])
    expect(options.expires_in).toBe(300)

    const bearer = await login(device)
    expect(bearer.statusCode, bearer.body).toBe(200)
    const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(bearer.json().access_token) })
    expect(me.json().id).toBe(user.id)
    expect(t.callsOf('onAfterLogin')).toHaveLength(1)

    const cookie = await login(device, 'cookie')
    expect(cookie.statusCode).toBe(204)
    expect(String(cookie.headers['set-cookie'])).toMatch(/^fastapiusersauth=/)

    const list = await t.app.inject({ method: 'GET', url: '/users/me/passkeys', headers: bearerAuth(token) })
    expect(list.json()).toHaveLength(1)
    expect(Date.parse(list.json()[0].last_used_at)).not.toBeNaN()
  })

  it('refuses registration without a session, and a challenge of another user or ceremony, or reused', async () => {
    expect((await post('/auth/passkey/register/options')).statusCode).toBe(401)
    const alice = await t.createUser()
    const bob = await t.createUser()
    const device = new SoftAuthenticator({ origin: ORIGIN })
    const options = (await post('/auth/passkey/register/options', alice.token)).json()
    const credential = device.create(options.public_key)
    const asBob = await post('/auth/passkey/register', bob.token, { challenge_token: options.challenge_token, credential })
    expect(asBob.json()).toEqual({ detail: 'PASSKEY_BAD_CHALLENGE' })
    const login = await loginOptions()
    const wrongCeremony = await post('/auth/passkey/register', alice.token, { challenge_token: login.challenge_token, credential })
    expect(wrongCeremony.json()).toEqual({ detail: 'PASSKEY_BAD_CHALLENGE' })

    const fresh = (await post('/auth/passkey/register/options', alice.token)).json()
    const answer = device.create(fresh.public_key)
    expect((await post('/auth/passkey/register', alice.token, { challenge_token: fresh.challenge_token, credential: answer })).statusCode).toBe(201)
    const again = await post('/auth/passkey/register', alice.token, { challenge_token: fresh.challenge_token, credential: answer })
    expect(again.json()).toEqual({ detail: 'PASSKEY_BAD_CHALLENGE' })
  })

  it('refuses an answer from another origin, and a credential registered twice', async () => {
    const { token } = await t.createUser()
    const phishing = new SoftAuthenticator({ origin: 'https://evil.example' })
    expect((await register(token, phishing)).json()).toEqual({ detail: 'PASSKEY_REGISTRATION_FAILED' })

    const device = new SoftAuthenticator({ origin: ORIGIN })
    expect((await register(token, device)).statusCode).toBe(201)
    const options = (await post('/auth/passkey/register/options', token)).json()
    expect(options.public_key.excludeCredentials).toHaveLength(1)
    // The same credential again, from an authenticator that ignores excludeCredentials.
    const again = device.create(options.public_key, device.credentials[0])
    const res = await post('/auth/passkey/register', token, { challenge_token: options.challenge_token, credential: again })
    expect(res.json()).toEqual({ detail: 'PASSKEY_ALREADY_REGISTERED' })
    // An answer whose id is not the credential it attests.
    const fresh = (await post('/auth/passkey/register/options', token)).json()
    const mislabelled = { ...device.create(fresh.public_key), id: 'AAAA', rawId: 'AAAA' }
    expect((await post('/auth/passkey/register', token, { challenge_token: fresh.challenge_token, credential: mislabelled })).json())
      .toEqual({ detail: 'PASSKEY_REGISTRATION_FAILED' })
  })

  it('a login challenge works once and expires', async () => {
    const { token } = await t.createUser()
    const device = new SoftAuthenticator({ origin: ORIGIN })
    await register(token, device)
    const { challenge_token, public_key } = await loginOptions()
    const credential = device.get(public_key)
    expect((await post('/auth/jwt/passkey/login', undefined, { challenge_token, credential })).statusCode).toBe(200)
    expect((await post('/auth/jwt/passkey/login', undefined, { challenge_token, credential })).json()).toEqual({ detail: 'PASSKEY_BAD_CHALLENGE' })

    const late = await loginOptions()
    clock.now += 301_000
    try {
      const res = await post('/auth/jwt/passkey/login', undefined, { challenge_token: late.challenge_token, credential: device.get(late.public_key) })
      expect(res.json()).toEqual({ detail: 'PASSKEY_BAD_CHALLENGE' })
    } finally {
      clock.now = Date.now()
    }
  })

  it('refuses a counter that goes backwards or stands still, and accepts 0/0 authenticators', async () => {
    const { token } = await t.createUser()
    const device = new SoftAuthenticator({ origin: ORIGIN })
    await register(token, device)
    expect((await login(device)).statusCode).toBe(200)
    expect((await login(device)).statusCode).toBe(200)
    const credential = device.credentials[0]!
    const options = await loginOptions()
    const cloned = device.assert(credential, 'localhost', options.public_key.challenge, 1)
    const res = await post('/auth/jwt/passkey/login', undefined, { challenge_token: options.challenge_token, credential: cloned })
    expect(res.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })

    const counterless = new SoftAuthenticator({ origin: ORIGIN, counterStep: 0 })
    await register(token, counterless)
    expect((await login(counterless)).statusCode).toBe(200)
    expect((await login(counterless)).statusCode).toBe(200)
  })

  it('refuses an unknown credential and a foreign user handle alike', async () => {
    const stranger = new SoftAuthenticator({ origin: ORIGIN })
    stranger.create({ challenge: 'x', rp: { id: 'localhost' }, user: { id: 'someone' } })
    expect((await login(stranger)).json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })

    const { token } = await t.createUser()
    const device = new SoftAuthenticator({ origin: ORIGIN })
    await register(token, device)
    device.credentials[0]!.userHandle = Buffer.from('another-user').toString('base64url')
    expect((await login(device)).json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
  })

  it('refuses an inactive user after verification as a wrong password, and tells a banned one', async () => {
    const dormant = await t.createUser()
    const device = new SoftAuthenticator({ origin: ORIGIN })
    await register(dormant.token, device)
    await t.users.manager.db.update(dormant.user, { is_active: false })
    expect((await login(device)).json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })

    const admin = await t.createUser({ is_superuser: true })
    const target = await t.createUser()
    const banned = new SoftAuthenticator({ origin: ORIGIN })
    await register(target.token, banned)
    const ban = await t.app.inject({ method: 'PUT', url: `/users/${target.user.id}/ban`, headers: bearerAuth(admin.token), payload: { reason: 'spam' } })
    expect(ban.statusCode).toBe(200)
    expect((await login(banned)).json()).toEqual({ detail: 'LOGIN_USER_BANNED' })
  })

  it('a verified-user passkey login satisfies two-factor; without user verification the TOTP challenge follows', async () => {
    const { token } = await t.createUser()
    const enrol = await post('/auth/2fa/enrol', token)
    const secret = decodeBase32IgnorePadding(enrol.json().secret)
    const confirm = await post('/auth/2fa/confirm', token, { code: totpCode(secret, totpStep(Date.now() / 1000)) })
    expect(confirm.statusCode, confirm.body).toBe(200)

    const device = new SoftAuthenticator({ origin: ORIGIN })
    await register(token, device)
    expect((await login(device)).statusCode).toBe(200)

    device.behaviour.userVerified = false
    const challenged = await login(device)
    expect(challenged.statusCode).toBe(202)
    expect(challenged.json().detail).toBe('TWO_FACTOR_REQUIRED')
  })

  it('lists, renames and deletes only the user\'s own passkeys (404 otherwise), and forgets them with the user', async () => {
    const owner = await t.createUser()
    const other = await t.createUser()
    const device = new SoftAuthenticator({ origin: ORIGIN })
    await register(owner.token, device)
    const second = await register(owner.token, new SoftAuthenticator({ origin: ORIGIN }))
    const [first] = (await t.app.inject({ method: 'GET', url: '/users/me/passkeys', headers: bearerAuth(owner.token) })).json()
    expect(first.name).toBe('Passkey 1')
    expect(second.json().name).toBe('Passkey 2')

    const renamed = await t.app.inject({ method: 'PATCH', url: `/users/me/passkeys/${first.id}`, headers: bearerAuth(owner.token), payload: { name: ' Phone ' } })
    expect(renamed.json()).toMatchObject({ id: first.id, name: 'Phone' })
    const foreignRename = await t.app.inject({ method: 'PATCH', url: `/users/me/passkeys/${first.id}`, headers: bearerAuth(other.token), payload: { name: 'x' } })
    expect(foreignRename.statusCode).toBe(404)
    const foreignDelete = await t.app.inject({ method: 'DELETE', url: `/users/me/passkeys/${first.id}`, headers: bearerAuth(other.token) })
    expect(foreignDelete.statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: '/users/me/passkeys' })).statusCode).toBe(401)

    const deleted = await t.app.inject({ method: 'DELETE', url: `/users/me/passkeys/${first.id}`, headers: bearerAuth(owner.token) })
    expect(deleted.statusCode).toBe(204)
    expect((await login(device)).json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    expect((await t.app.inject({ method: 'GET', url: '/users/me/passkeys', headers: bearerAuth(owner.token) })).json()).toHaveLength(1)

    expect(await store.list(owner.user.id)).toHaveLength(1)
    await t.users.manager.delete(owner.user)
    expect(await store.list(owner.user.id)).toEqual([])
  })
})
