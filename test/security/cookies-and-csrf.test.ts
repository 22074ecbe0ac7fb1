/**
 * Threat: another site making a victim's browser send a state-changing request with the auth
 * cookie (CSRF), or log the victim into the attacker's account (login CSRF); cookies read
 * from script; malformed cookies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCrossSiteRequest, parseAllowedOrigins } from '../../src/security/cross-site.ts'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

const HOST = 'api.example.com'

describe('cross-site detection', () => {
  const none = new Set<string>()
  const check = (headers: Record<string, string>, method = 'POST', allowed = none) => isCrossSiteRequest({ method, host: HOST, headers }, allowed)

  it('compares Origin with the request host, scheme default ports included', () => {
    expect(check({ origin: 'https://api.example.com' })).toBe(false)
    expect(check({ origin: 'https://api.example.com:443' })).toBe(false)
    expect(check({ origin: 'https://evil.example' })).toBe(true)
    expect(check({ origin: 'https://app.example.com' })).toBe(true)
    expect(check({ origin: 'https://api.example.com:8443' })).toBe(true)
    expect(check({ origin: 'null' })).toBe(true)
    expect(check({ origin: 'not a url' })).toBe(true)
    expect(check({ origin: 'https://app.example.com' }, 'POST', parseAllowedOrigins(['https://App.Example.com']))).toBe(false)
  })

  it('falls back on Sec-Fetch-Site, lets non-browsers and safe methods through', () => {
    expect(check({ 'sec-fetch-site': 'cross-site' })).toBe(true)
    expect(check({ 'sec-fetch-site': 'same-origin' })).toBe(false)
    expect(check({})).toBe(false)
    expect(check({ origin: 'https://evil.example' }, 'GET')).toBe(false)
    expect(check({ origin: 'https://evil.example' }, 'DELETE')).toBe(true)
  })

  it('refuses allowed origins that are not origins', () => {
    expect(() => parseAllowedOrigins(['https://app.example.com/path'])).toThrow(TypeError)
    expect(() => parseAllowedOrigins(['app.example.com'])).toThrow(TypeError)
  })
})

describe('cookie-authenticated requests', () => {
  let t: SecureApp
  let cookie: string
  let bearer: string
  beforeAll(async () => {
    t = await buildSecureApp({ security: { csrf: { allowedOrigins: ['https://app.example.com'] } } })
    const { user, password } = await t.createUser()
    const res = await t.app.inject(loginRequest(user.email, password, { backend: 'cookie' }))
    cookie = /fastapiusersauth=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!
    bearer = (await t.app.inject(loginRequest(user.email, password))).json().access_token
  })
  afterAll(() => t.close())

  const patchMe = (headers: Record<string, string | undefined>) =>
    t.app.inject({ method: 'PATCH', url: '/users/me', headers: { host: HOST, ...headers } as Record<string, string>, payload: {} })

  it('refuses a state-changing request from another site with 403', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }]) {
      const res = await patchMe({ cookie: `fastapiusersauth=${cookie}`, ...headers })
      expect(res.statusCode).toBe(403)
      expect(res.json()).toEqual({ detail: 'Forbidden' })
    }
    const logout = await t.app.inject({ method: 'POST', url: '/auth/cookie/logout', headers: { host: HOST, origin: 'https://evil.example', cookie: `fastapiusersauth=${cookie}` } })
    expect(logout.statusCode).toBe(403)
  })

  it('lets the same origin, the allowed origins, non-browser clients and reads through', async () => {
    for (const headers of [{ origin: `https://${HOST}` }, { origin: 'https://app.example.com' }, {}, { 'sec-fetch-site': 'same-site' }]) {
      expect((await patchMe({ cookie: `fastapiusersauth=${cookie}`, ...headers })).statusCode).toBe(200)
    }
    const read = await t.app.inject({ method: 'GET', url: '/users/me', headers: { host: HOST, origin: 'https://evil.example', cookie: `fastapiusersauth=${cookie}` } })
    expect(read.statusCode).toBe(200)
  })

  it('does not affect bearer tokens, even next to a cookie', async () => {
    const headers = { origin: 'https://evil.example', authorization: `Bearer ${bearer}` }
    expect((await patchMe(headers)).statusCode).toBe(200)
    expect((await patchMe({ ...headers, cookie: `fastapiusersauth=${cookie}` })).statusCode).toBe(200)
    expect((await patchMe({ origin: 'https://evil.example' })).statusCode).toBe(401)
  })

  it('refuses a cookie login from another site (login CSRF), not a bearer one', async () => {
    const { user, password } = await t.createUser()
    const evil = { host: HOST, origin: 'https://evil.example' }
    const cookieLogin = await t.app.inject(loginRequest(user.email, password, { backend: 'cookie', headers: evil }))
    expect(cookieLogin.statusCode).toBe(403)
    expect(cookieLogin.headers['set-cookie']).toBeUndefined()
    expect((await t.app.inject(loginRequest(user.email, password, { headers: evil }))).statusCode).toBe(200)
    expect((await t.app.inject(loginRequest(user.email, password, { backend: 'cookie', headers: { host: HOST } }))).statusCode).toBe(204)
  })

  it('sets the cookie HttpOnly, Secure and SameSite=lax', async () => {
    const { user, password } = await t.createUser()
    const setCookies = [(await t.app.inject(loginRequest(user.email, password, { backend: 'cookie' }))).headers['set-cookie']].flat()
    const setCookie = String(setCookies.find((value) => value?.startsWith('fastapiusersauth=')))
    expect(setCookie).toMatch(/; HttpOnly;/)
    expect(setCookie).toMatch(/; SameSite=lax; Secure$/)
  })

  it('answers malformed cookies with 401, never a 5xx', async () => {
    for (const value of ['fastapiusersauth=', 'fastapiusersauth="', 'fastapiusersauth=%E0%A4%A', ';;;=;', 'fastapiusersauth=a.b.c', `fastapiusersauth=${'x'.repeat(8000)}`, 'fastapiusersauth=\u00ff\u00fe']) {
      const res = await t.app.inject({ method: 'GET', url: '/users/me', headers: { cookie: value } })
      expect(res.statusCode, value).toBe(401)
    }
  })
})

describe('csrf: false', () => {
  it('turns the check off', async () => {
    const t = await buildSecureApp({ security: { csrf: false } })
    try {
      const { user, password } = await t.createUser()
      const res = await t.app.inject(loginRequest(user.email, password, { backend: 'cookie', headers: { origin: 'https://evil.example' } }))
      expect(res.statusCode).toBe(204)
    } finally {
      await t.close()
    }
  })
})
