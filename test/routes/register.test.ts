/**
 * `POST /register` (CONTRACT §5.2, §2.3; deliberate difference 1 for `null`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, uniqueEmail, type TestApp } from '../support/app.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const PASSWORD = 'a-good-password'

describe('POST /auth/register', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const register = (payload: unknown) => t.app.inject({ method: 'POST', url: '/auth/register', payload: payload as object })

  it('answers 201 with exactly the user read model', async () => {
    const email = uniqueEmail()
    const res = await register({ email, password: PASSWORD })
    expect(res.statusCode).toBe(201)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const body = res.json()
    expect(Object.keys(body)).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified'])
    expect(body).toEqual({ id: expect.stringMatching(UUID), email, is_active: true, is_superuser: false, is_verified: false })
    expect(res.body).not.toMatch(/password/)
    const stored = await t.store.users.get(body.id)
    expect(stored?.hashed_password).toMatch(/^\$argon2id\$/)
    await t.login(email, PASSWORD)
  })

  it('calls onAfterRegister with the new user and the request', async () => {
    const res = await register({ email: uniqueEmail(), password: PASSWORD })
    const calls = t.callsOf('onAfterRegister').filter((call) => (call.args[0] as { id: string }).id === res.json().id)
    expect(calls).toHaveLength(1)
    expect(calls[0]!.args).toHaveLength(2)
    expect((calls[0]!.args[1] as { url: string }).url).toBe('/auth/register')
  })

  it('ignores the privileged fields of the body', async () => {
    const email = uniqueEmail()
    const res = await register({
      email,
      password: PASSWORD,
      is_superuser: true,
      is_active: false,
      is_verified: true,
      id: 'd35d213e-f3d8-4f08-954a-7e0d1bea286f',
      hashed_password: '$2b$12$h95L6XWl7zj22VgNrNLs5.aVOBL7Y3qyt7OPnFOQtxmwp8j9cFPmW',
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toEqual({ id: expect.stringMatching(UUID), email, is_active: true, is_superuser: false, is_verified: false })
    expect(body.id).not.toBe('d35d213e-f3d8-4f08-954a-7e0d1bea286f')
    await t.login(email, PASSWORD)
  })

  it('accepts null privileged fields as absent', async () => {
    const res = await register({ email: uniqueEmail(), password: PASSWORD, is_superuser: null, is_active: null, is_verified: null })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ is_active: true, is_superuser: false, is_verified: false })
  })

  it('quotes the password policy reasons exactly', async () => {
    const short = await register({ email: uniqueEmail(), password: '1234567' })
    expect(short.statusCode).toBe(400)
    expect(short.json()).toEqual({ detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password should be at least 8 characters' } })
    const email = uniqueEmail()
    const withEmail = await register({ email, password: `x${email}x` })
    expect(withEmail.json()).toEqual({ detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password should not contain e-mail' } })
    expect((await register({ email: uniqueEmail(), password: 'Kx8#mQ2v' })).statusCode).toBe(201)
  })

  it('checks the password before the duplicate', async () => {
    const { user } = await t.createUser()
    const res = await register({ email: user.email, password: 'short' })
    expect(res.json()).toEqual({ detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password should be at least 8 characters' } })
  })

  it('refuses a taken email in any letter case', async () => {
    const email = uniqueEmail('Mixed.Case')
    expect((await register({ email, password: PASSWORD })).statusCode).toBe(201)
    for (const spelling of [email, email.toLowerCase(), email.toUpperCase()]) {
      const res = await register({ email: spelling, password: PASSWORD })
      expect(res.statusCode, spelling).toBe(400)
      expect(res.json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' })
    }
  })

  it('lower-cases the domain and keeps the local part', async () => {
    const local = uniqueEmail('King.Arthur').split('@')[0]!
    const res = await register({ email: `${local}@Camelot.BT`, password: PASSWORD })
    expect(res.json().email).toBe(`${local}@camelot.bt`)
  })

  it('reduces a display-name address to the address', async () => {
    const local = uniqueEmail('bob').split('@')[0]!
    const res = await register({ email: `Bob <${local}@Example.COM>`, password: PASSWORD })
    expect(res.statusCode).toBe(201)
    expect(res.json().email).toBe(`${local}@example.com`)
  })

  it('answers 422 to invalid bodies, null email included, and creates nobody', async () => {
    const before = t.callsOf('onAfterRegister').length
    const email = uniqueEmail()
    const cases: unknown[] = [
      {},
      { email },
      { password: PASSWORD },
      { email: null, password: PASSWORD },
      { email, password: null },
      { email: 'not-an-email', password: PASSWORD },
      { email: 'two@at@example.com', password: PASSWORD },
      { email: 42, password: PASSWORD },
      [email, PASSWORD],
    ]
    for (const payload of cases) {
      const res = await register(payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
    expect(await t.store.users.getByEmail(email)).toBeNull()
    expect(t.callsOf('onAfterRegister')).toHaveLength(before)
  })

  it('answers 422 to malformed JSON, an empty body and a body of another content type', async () => {
    const requests = [
      { headers: { 'content-type': 'application/json' }, body: '{"email": ' },
      { headers: { 'content-type': 'application/json' }, body: '' },
      { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ email: uniqueEmail(), password: PASSWORD }) },
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${uniqueEmail()}&password=${PASSWORD}` },
    ]
    for (const request of requests) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/register', ...request })
      expect(res.statusCode, request.body).toBe(422)
      expect(res.json()).toHaveProperty('detail')
    }
  })
})
