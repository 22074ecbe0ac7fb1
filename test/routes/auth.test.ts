/**
 * `POST /login` and `POST /logout` of the bearer and cookie backends (CONTRACT §5.1, §6).
 */
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, buildTestApp, form, type TestApp } from '../support/app.ts'

const COOKIE_ATTRIBUTES = 'HttpOnly; Max-Age=3600; Path=/; SameSite=lax; Secure'

function multipart(fields: Record<string, string>) {
  const boundary = 'fastify-users-test-boundary'
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  )
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: `${parts.join('')}--${boundary}--\r\n` }
}

describe('login and logout', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const login = (fields: Record<string, string>, backend = 'jwt') =>
    t.app.inject({ method: 'POST', url: `/auth/${backend}/login`, ...form(fields) })

  it('answers a bearer login with the exact JSON of FastAPI Users', async () => {
    const { user, password } = await t.createUser()
    const res = await login({ username: user.email, password })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const token = res.json().access_token as string
    expect(res.body).toBe(`{"access_token":"${token}","token_type":"bearer"}`)
    expect(decodeJwt(token)).toMatchObject({ sub: user.id, aud: ['fastapi-users:auth'] })
    const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(token) })
    expect(me.json().id).toBe(user.id)
  })

  it('matches the email case-insensitively', async () => {
    const { user, password } = await t.createUser()
    expect((await login({ username: user.email.toUpperCase(), password })).statusCode).toBe(200)
  })

  it('accepts grant_type=password and the other OAuth2 form fields', async () => {
    const { user, password } = await t.createUser()
    const res = await login({ username: user.email, password, grant_type: 'password', scope: '', client_id: 'x', client_secret: 'y' })
    expect(res.statusCode).toBe(200)
  })

  it('accepts a multipart form', async () => {
    const { user, password } = await t.createUser()
    const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...multipart({ username: user.email, password }) })
    expect(res.statusCode, res.body).toBe(200)
    expect(decodeJwt(res.json().access_token).sub).toBe(user.id)
  })

  it('refuses unknown users, wrong passwords, inactive users and non-email usernames alike', async () => {
    const { user, password } = await t.createUser()
    const inactive = await t.createUser({ is_active: false })
    const attempts = [
      { username: `nobody-${user.email}`, password },
      { username: user.email, password: `${password}x` },
      { username: inactive.user.email, password: inactive.password },
      { username: 'not-an-email', password },
    ]
    for (const fields of attempts) {
      const res = await login(fields)
      expect(res.statusCode, fields.username).toBe(400)
      expect(res.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    }
    expect(t.callsOf('onAfterLogin')).toHaveLength(0)
  })

  it('answers 422 to bodies that are not a complete password form', async () => {
    const { user, password } = await t.createUser()
    const cases = [
      { payload: { username: user.email, password } }, // JSON
      { ...form({ password }) },
      { ...form({ username: user.email }) },
      { ...form({ username: '', password }) },
      { ...form({ username: user.email, password: '' }) },
      { ...form({ username: user.email, password, grant_type: 'client_credentials' }) },
      { ...form({}) },
    ]
    for (const request of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...request })
      expect(res.statusCode, JSON.stringify(request)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
    expect(t.callsOf('onAfterLogin')).toHaveLength(0)
  })

  it('answers 422, never a 500, to a multipart body that cannot be parsed (deliberate difference 1)', async () => {
    const { user, password } = await t.createUser()
    const valid = multipart({ username: user.email, password })
    const cases = [
      { headers: { 'content-type': 'multipart/form-data' }, body: valid.body },
      { headers: valid.headers, body: valid.body.slice(0, 60) },
      { headers: valid.headers, body: 'garbage' },
    ]
    for (const request of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...request })
      expect(res.statusCode, JSON.stringify(request)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
  })

  it('calls onAfterLogin with the user, the request and the reply, once per successful login', async () => {
    const { user, password } = await t.createUser()
    await login({ username: user.email, password: 'wrong-password' })
    expect(t.callsOf('onAfterLogin')).toHaveLength(0)
    await login({ username: user.email, password })
    const calls = t.callsOf('onAfterLogin')
    expect(calls).toHaveLength(1)
    const [hookUser, request, reply] = calls[0]!.args as [{ id: string }, { url: string }, { statusCode: number }]
    expect(calls[0]!.args).toHaveLength(3)
    expect(hookUser.id).toBe(user.id)
    expect(request.url).toBe('/auth/jwt/login')
    expect(typeof reply.statusCode).toBe('number')
  })

  it('answers a cookie login with 204, an empty body and the exact cookie', async () => {
    const { user, password } = await t.createUser()
    const res = await login({ username: user.email, password }, 'cookie')
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    // The device cookie (SECURITY.md) comes beside it.
    const setCookie = [res.headers['set-cookie']].flat().filter((value) => value?.startsWith('fastapiusersauth='))
    expect(setCookie).toHaveLength(1)
    const match = /^fastapiusersauth=([^;]+); (.*)$/.exec(String(setCookie))
    expect(match?.[2]).toBe(COOKIE_ATTRIBUTES)
    expect(decodeJwt(match![1]!).sub).toBe(user.id)
    const me = await t.app.inject({ method: 'GET', url: '/users/me', cookies: { fastapiusersauth: match![1]! } })
    expect(me.json().id).toBe(user.id)
    expect(t.callsOf('onAfterLogin')).toHaveLength(1)
  })

  it('sets no cookie on a refused cookie login', async () => {
    const { user } = await t.createUser()
    const res = await login({ username: user.email, password: 'wrong-password' }, 'cookie')
    expect(res.statusCode).toBe(400)
    expect(res.headers['set-cookie']).toBeUndefined()
  })

  it('logs a bearer token out with 204 and an empty body', async () => {
    const { token } = await t.createUser()
    const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/logout', headers: bearerAuth(token) })
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect(res.headers['set-cookie']).toBeUndefined()
  })

  it('clears the cookie at cookie logout', async () => {
    const { token } = await t.createUser()
    const res = await t.app.inject({ method: 'POST', url: '/auth/cookie/logout', cookies: { fastapiusersauth: token } })
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect(res.headers['set-cookie']).toEqual(['fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure'])
  })

  it('lets a token of one backend authorize the logout of the other', async () => {
    const { token } = await t.createUser()
    const cookieRoute = await t.app.inject({ method: 'POST', url: '/auth/cookie/logout', headers: bearerAuth(token) })
    expect(cookieRoute.statusCode).toBe(204)
    expect(cookieRoute.headers['set-cookie']).toEqual([`fastapiusersauth=""; ${COOKIE_ATTRIBUTES.replace('3600', '0')}`])
    const { token: other } = await t.createUser()
    const bearerRoute = await t.app.inject({ method: 'POST', url: '/auth/jwt/logout', cookies: { fastapiusersauth: other } })
    expect(bearerRoute.statusCode).toBe(204)
    expect(bearerRoute.headers['set-cookie']).toBeUndefined()
  })

  it('answers 401 to a logout without a valid token, or of an inactive user', async () => {
    const inactive = await t.createUser({ is_active: false })
    for (const backend of ['jwt', 'cookie']) {
      for (const headers of [{}, bearerAuth('not-a-token'), bearerAuth(inactive.token)]) {
        const res = await t.app.inject({ method: 'POST', url: `/auth/${backend}/logout`, headers })
        expect(res.statusCode).toBe(401)
        expect(res.json()).toEqual({ detail: 'Unauthorized' })
        expect(res.headers['www-authenticate']).toBeUndefined()
      }
    }
  })
})

describe('login and logout when verification is required', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ requiresVerification: true })
  })
  afterAll(() => t.close())

  it('refuses an unverified user with LOGIN_USER_NOT_VERIFIED on both backends', async () => {
    const { user, password } = await t.createUser()
    for (const backend of ['jwt', 'cookie']) {
      const res = await t.app.inject({ method: 'POST', url: `/auth/${backend}/login`, ...form({ username: user.email, password }) })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toEqual({ detail: 'LOGIN_USER_NOT_VERIFIED' })
      expect(res.headers['set-cookie']).toBeUndefined()
    }
    expect(t.callsOf('onAfterLogin')).toHaveLength(0)
  })

  it('still answers LOGIN_BAD_CREDENTIALS to a wrong password of an unverified user', async () => {
    const { user } = await t.createUser()
    const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: user.email, password: 'wrong-password' }) })
    expect(res.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
  })

  it('logs a verified user in on both backends', async () => {
    const { user, password } = await t.createUser({ is_verified: true })
    const bearer = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: user.email, password }) })
    expect(bearer.statusCode).toBe(200)
    const cookie = await t.app.inject({ method: 'POST', url: '/auth/cookie/login', ...form({ username: user.email, password }) })
    expect(cookie.statusCode).toBe(204)
    expect(t.callsOf('onAfterLogin')).toHaveLength(2)
  })

  it('answers 403 to the logout of an unverified user, 204 to a verified one', async () => {
    const unverified = await t.createUser()
    for (const backend of ['jwt', 'cookie']) {
      // One user per logout: a logout may end the token (deliberate difference 7).
      const verified = await t.createUser({ is_verified: true })
      const refused = await t.app.inject({ method: 'POST', url: `/auth/${backend}/logout`, headers: bearerAuth(unverified.token) })
      expect(refused.statusCode).toBe(403)
      expect(refused.json()).toEqual({ detail: 'Forbidden' })
      const accepted = await t.app.inject({ method: 'POST', url: `/auth/${backend}/logout`, headers: bearerAuth(verified.token) })
      expect(accepted.statusCode).toBe(204)
    }
  })
})
