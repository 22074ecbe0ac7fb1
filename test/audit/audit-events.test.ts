/**
 * The audit log end to end (docs/audit-log.md): each security event reaches the `onAuditEvent`
 * hook and the store exactly once, with its user, actor, address, agent and data; no password,
 * token or hash used in the test appears in any event; and `GET /users/{id}/events` pages a
 * user's trail for superusers only.
 */
import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/audit/events.ts'
import { MemoryApiKeyStore } from '../../src/api-keys/memory-store.ts'
import { MemoryAuditStore } from '../../src/audit/memory-store.ts'
import { defineRoles } from '../../src/roles.ts'
import { MemoryTwoFactorStore } from '../../src/two-factor/memory-store.ts'
import { totpCode, totpStep } from '../../src/two-factor/totp.ts'
import { bearerAuth, buildTestApp, form, settle, uniqueEmail, type TestApp } from '../support/app.ts'

const AGENT = 'audit-test-agent/1.0'
const store = new MemoryAuditStore()
const events: AuditEvent[] = []
/** Every event of the file, never cleared. */
const allEvents: AuditEvent[] = []
/** Every secret the test uses; none may appear in an event. */
const secrets: string[] = []
let t: TestApp
const clock = { now: 1_800_000_000_000 }

beforeAll(async () => {
  t = await buildTestApp({
    audit: { store },
    twoFactor: {
      store: new MemoryTwoFactorStore(),
      encryptionKey: 'audit-two-factor-test-key-of-32-bytes-or-more',
      issuer: 'Example',
      throttle: { freeFailures: 3, maxFailures: 3 },
      now: () => clock.now,
    },
    roles: defineRoles({ admin: ['users:write'], editor: ['posts:write'] }),
    apiKeys: { store: new MemoryApiKeyStore() },
    usersRoutes: { events: true, bans: true, apiKeys: true },
    security: { rateLimit: false, loginThrottle: { freeFailures: 3, maxFailures: 3 } },
    manager: {
      onAuditEvent: (event) => {
        events.push(event)
        allEvents.push(event)
      },
    },
  })
})
afterAll(async () => {
  await t.close()
})
beforeEach(() => {
  events.length = 0
})

const headers = { 'user-agent': AGENT }
const auth = (token: string) => ({ ...bearerAuth(token), ...headers })

/** The events emitted so far (after the after-response writes), and checks that the store holds the same. */
async function emitted(): Promise<AuditEvent[]> {
  await t.users.manager.audit.flush()
  for (const event of events) {
    if (event.user_id === null) continue
    const page = await store.listByUser(event.user_id, { limit: 100, after: null })
    expect(page.events.filter((stored) => stored.id === event.id)).toEqual([event])
  }
  return [...events]
}

async function newUser(fields: { is_superuser?: boolean; is_verified?: boolean } = {}) {
  const created = await t.createUser(fields)
  secrets.push(created.password, created.token, created.user.hashed_password)
  return created
}

function expectOne(list: AuditEvent[], expected: Partial<AuditEvent>): AuditEvent {
  const matching = list.filter((event) => event.type === expected.type)
  expect(matching, `${expected.type} emitted once`).toHaveLength(1)
  expect(matching[0]).toMatchObject({ ip: '127.0.0.1', user_agent: AGENT, actor_id: null, ...expected })
  expect(matching[0]!.occurred_at).toBeInstanceOf(Date)
  return matching[0]!
}

describe('audit events', () => {
  it('login: success, wrong password, unknown email (a digest, not the email), inactive user', async () => {
    const { user, password } = await newUser()
    const login = (username: string, pw: string) => t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username, password: pw }), headers: { ...form({}).headers, ...headers } })
    const ok = await login(user.email, password)
    expect(ok.statusCode).toBe(200)
    secrets.push(ok.json().access_token)
    expect((await login(user.email, 'wrong-password-for-audit')).statusCode).toBe(400)
    const unknown = uniqueEmail('nobody')
    expect((await login(unknown, 'typed-secret-password')).statusCode).toBe(400)
    secrets.push('wrong-password-for-audit', 'typed-secret-password')
    const list = await emitted()
    expectOne(list, { type: 'login.succeeded', user_id: user.id, data: { method: 'password', backend: 'jwt' } })
    const failed = list.filter((event) => event.type === 'login.failed')
    expect(failed).toHaveLength(2)
    expect(failed[0]).toMatchObject({ user_id: user.id, data: { reason: 'bad_credentials' } })
    expect(failed[0]!.data).not.toHaveProperty('email_digest')
    expect(failed[1]).toMatchObject({ user_id: null, data: { reason: 'bad_credentials', email_digest: t.users.manager.audit.emailDigest(unknown) } })
    expect(JSON.stringify(failed[1])).not.toContain(unknown.split('@')[0])
    // The digest folds letter case as logins do.
    expect(t.users.manager.audit.emailDigest(unknown.toUpperCase())).toBe(t.users.manager.audit.emailDigest(unknown))

    events.length = 0
    const inactive = await newUser()
    await t.users.manager.db.update(inactive.user, { is_active: false })
    expect((await login(inactive.user.email, inactive.password)).statusCode).toBe(400)
    expectOne(await emitted(), { type: 'login.failed', user_id: inactive.user.id, data: { reason: 'inactive' } })
  })

  it('login.locked_out: once, on the failure that reaches the lockout', async () => {
    const { user } = await newUser()
    for (let attempt = 0; attempt < 4; attempt++) {
      await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: user.email, password: 'not-it' }), headers: { ...form({}).headers, ...headers } })
    }
    const list = await emitted()
    expect(list.filter((event) => event.type === 'login.failed')).toHaveLength(3)
    expectOne(list, { type: 'login.locked_out', user_id: user.id, data: { retry_after_seconds: 86_400 } })
  })

  it('logout and logout everywhere', async () => {
    const { user, password } = await newUser()
    const token = await t.login(user.email, password)
    secrets.push(token)
    events.length = 0
    expect((await t.app.inject({ method: 'POST', url: '/auth/jwt/logout', headers: auth(token) })).statusCode).toBe(204)
    const other = await t.login(user.email, password)
    secrets.push(other)
    expect((await t.app.inject({ method: 'POST', url: '/auth/cookie/logout-all', headers: auth(other) })).statusCode).toBe(204)
    const list = await emitted()
    expectOne(list, { type: 'logout', user_id: user.id, data: { backend: 'jwt' } })
    expectOne(list, { type: 'logout.all', user_id: user.id, data: { backend: 'cookie' } })
  })

  it('password change and email change by the user itself', async () => {
    const { user, token } = await newUser()
    const newPassword = 'a-brand-new-password-42'
    secrets.push(newPassword)
    const email = uniqueEmail('moved')
    const res = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: auth(token), payload: { password: newPassword, email } })
    expect(res.statusCode, res.body).toBe(200)
    const list = await emitted()
    expect(list).toHaveLength(2)
    expectOne(list, { type: 'password.changed', user_id: user.id, data: { sessions_ended: true } })
    expectOne(list, { type: 'email.changed', user_id: user.id, data: { previous_email: user.email, email } })
    const stored = await t.users.manager.get(user.id)
    secrets.push(stored!.hashed_password)
  })

  it('password reset and verification', async () => {
    const { user } = await newUser()
    const resetToken = await t.users.manager.forgotPassword(user)
    const verifyToken = await t.users.manager.requestVerify(user)
    secrets.push(resetToken, verifyToken, 'reset-to-this-password-7')
    events.length = 0
    expect((await t.app.inject({ method: 'POST', url: '/auth/reset-password', headers, payload: { token: resetToken, password: 'reset-to-this-password-7' } })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'POST', url: '/auth/verify', headers, payload: { token: verifyToken } })).statusCode).toBe(200)
    const list = await emitted()
    expect(list).toHaveLength(2)
    expectOne(list, { type: 'password.reset', user_id: user.id, data: {} })
    expectOne(list, { type: 'user.verified', user_id: user.id, data: {} })
  })

  it("superusers' actions name the superuser as the actor", async () => {
    const admin = await newUser({ is_superuser: true })
    const { user } = await newUser()
    const patch = await t.app.inject({ method: 'PATCH', url: `/users/${user.id}`, headers: auth(admin.token), payload: { password: 'set-by-admin-password', is_verified: true } })
    secrets.push('set-by-admin-password')
    expect(patch.statusCode, patch.body).toBe(200)
    expect((await t.app.inject({ method: 'PUT', url: `/users/${user.id}/roles`, headers: auth(admin.token), payload: { roles: ['editor'] } })).statusCode).toBe(200)
    const ban = await t.app.inject({ method: 'PUT', url: `/users/${user.id}/ban`, headers: auth(admin.token), payload: { reason: 'spam' } })
    expect(ban.statusCode, ban.body).toBe(200)
    expect((await t.app.inject({ method: 'DELETE', url: `/users/${user.id}/ban`, headers: auth(admin.token) })).statusCode).toBe(204)
    expect((await t.app.inject({ method: 'DELETE', url: `/users/${user.id}`, headers: auth(admin.token) })).statusCode).toBe(204)
    const list = await emitted()
    const actor = { user_id: user.id, actor_id: admin.user.id }
    expectOne(list, { type: 'password.changed', ...actor, data: { sessions_ended: false } })
    expectOne(list, { type: 'user.updated_by_superuser', ...actor, data: { fields: ['password', 'is_verified'] } })
    expectOne(list, { type: 'roles.changed', ...actor, data: { roles: ['editor'] } })
    expectOne(list, { type: 'user.banned', ...actor, data: { reason: 'spam', expires_at: null } })
    expectOne(list, { type: 'user.unbanned', ...actor, data: { expired: false } })
    expectOne(list, { type: 'user.deleted', ...actor, data: {} })
    expect(list).toHaveLength(6)
  })

  it('two-factor step: a wrong TOTP code, a wrong recovery code and the throttle are failed logins of the user', async () => {
    const { user, password, token } = await newUser()
    const enrol = await t.app.inject({ method: 'POST', url: '/auth/2fa/enrol', headers: auth(token) })
    const secret = decodeBase32IgnorePadding(enrol.json().secret)
    const code = () => totpCode(secret, totpStep(clock.now / 1000))
    const confirm = await t.app.inject({ method: 'POST', url: '/auth/2fa/confirm', headers: auth(token), payload: { code: code() } })
    expect(confirm.statusCode, confirm.body).toBe(200)
    const recoveryCodes: string[] = confirm.json().recovery_codes
    secrets.push(enrol.json().secret, enrol.json().otpauth_uri, ...recoveryCodes)
    clock.now += 30_000
    const login = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: user.email, password }), headers: { ...form({}).headers, ...headers } })
    expect(login.statusCode, login.body).toBe(202)
    const challenge: string = login.json().challenge_token
    const wrongCode = String((Number(code()) + 1) % 1_000_000).padStart(6, '0')
    const wrongRecovery = `${recoveryCodes[0]!.slice(0, -1)}${recoveryCodes[0]!.endsWith('a') ? 'b' : 'a'}`
    secrets.push(challenge, wrongCode, wrongRecovery)
    events.length = 0
    const verify = (value: string) => t.app.inject({ method: 'POST', url: '/auth/jwt/2fa/verify', headers, payload: { challenge_token: challenge, code: value } })
    expect((await verify(wrongCode)).json()).toEqual({ detail: 'TWO_FACTOR_BAD_CODE' })
    expect((await verify(wrongRecovery)).json()).toEqual({ detail: 'TWO_FACTOR_BAD_CODE' })
    expect((await verify(wrongCode)).statusCode).toBe(400)
    expect((await verify(code())).statusCode).toBe(429)
    const failed = (await emitted()).filter((event) => event.type === 'login.failed')
    const expected = (reason: string) => ({ user_id: user.id, actor_id: null, ip: '127.0.0.1', user_agent: AGENT, data: { reason, method: 'two_factor', backend: 'jwt' } })
    expect(failed).toMatchObject(['bad_totp_code', 'bad_recovery_code', 'bad_totp_code', 'two_factor_throttled'].map(expected))
    expect(failed).toHaveLength(4)
  })

  it('API keys: created and revoked by their user, revoked by a superuser as the actor; never the key', async () => {
    const admin = await newUser({ is_superuser: true })
    const { user, token } = await newUser()
    const create = async (name: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/users/me/api-keys', headers: auth(token), payload: { name, expires_in: 3600 } })
      expect(res.statusCode, res.body).toBe(201)
      secrets.push(res.json().key)
      return res.json().id as string
    }
    const first = await create('ci')
    const second = await create('deploy')
    expect((await t.app.inject({ method: 'DELETE', url: `/users/me/api-keys/${first}`, headers: auth(token) })).statusCode).toBe(204)
    expect((await t.app.inject({ method: 'DELETE', url: `/users/${user.id}/api-keys/${second}`, headers: auth(admin.token) })).statusCode).toBe(204)
    const list = await emitted()
    expect(list).toMatchObject([
      { type: 'api_key.created', user_id: user.id, actor_id: null, data: { key_id: first, name: 'ci' } },
      { type: 'api_key.created', user_id: user.id, actor_id: null, data: { key_id: second, name: 'deploy' } },
      { type: 'api_key.revoked', user_id: user.id, actor_id: null, data: { key_id: first } },
      { type: 'api_key.revoked', user_id: user.id, actor_id: admin.user.id, data: { key_id: second } },
    ])
    expect(list).toHaveLength(4)
  })

  it('no password, token or hash used by these tests appears in any event', async () => {
    const everything = JSON.stringify([...allEvents, ...(await everyStoredEvent())])
    expect(everything.length).toBeGreaterThan(1000)
    expect(secrets.length).toBeGreaterThan(15)
    for (const secret of secrets) expect(everything.includes(secret), `a secret of length ${secret.length} leaked`).toBe(false)
  })
})

describe('GET /users/{id}/events', () => {
  it('pages a user’s trail, newest first, for superusers only', async () => {
    const admin = await newUser({ is_superuser: true })
    const { user, password, token } = await newUser()
    for (let i = 0; i < 5; i++) await t.login(user.email, password)
    await t.users.manager.audit.flush()
    const url = `/users/${user.id}/events`
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'GET', url, headers: auth(token) })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'GET', url: '/users/not-a-uuid/events', headers: auth(admin.token) })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: `${url}?limit=101`, headers: auth(admin.token) })).statusCode).toBe(422)
    expect((await t.app.inject({ method: 'GET', url: `${url}?cursor=bm9wZQ`, headers: auth(admin.token) })).statusCode).toBe(422)

    const seen: Array<{ id: string; type: string; occurred_at: string }> = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`
      const res = await t.app.inject({ method: 'GET', url: `${url}?limit=2${query}`, headers: auth(admin.token) })
      expect(res.statusCode, res.body).toBe(200)
      const body: { items: typeof seen; next_cursor: string | null } = res.json()
      expect(body.items.length).toBeLessThanOrEqual(2)
      seen.push(...body.items)
      cursor = body.next_cursor
      pages++
    } while (cursor !== null && pages < 10)
    expect(pages).toBe(3)
    expect(seen.map((item) => item.type)).toEqual(Array(5).fill('login.succeeded'))
    expect(new Set(seen.map((item) => item.id)).size).toBe(5)
    const times = seen.map((item) => Date.parse(item.occurred_at))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(seen[0]).toMatchObject({ user_id: user.id, actor_id: null, data: { method: 'password', backend: 'jwt' } })
  })
})

async function everyStoredEvent(): Promise<AuditEvent[]> {
  await settle(10)
  await t.users.manager.audit.flush()
  const ids = new Set(allEvents.map((event) => event.user_id))
  const all: AuditEvent[] = []
  for (const id of ids) if (id !== null) all.push(...(await store.listByUser(id, { limit: 100, after: null })).events)
  return all
}
