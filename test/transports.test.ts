import { describe, expect, it } from 'vitest'
import { BearerTransport } from '../src/authentication/transports/bearer.ts'
import { readCookie } from '../src/authentication/transports/cookie-header.ts'
import { CookieTransport } from '../src/authentication/transports/cookie.ts'

describe('BearerTransport', () => {
  const bearer = new BearerTransport({ tokenUrl: 'auth/jwt/login' })
  const read = (authorization?: string) => bearer.readToken({ headers: { authorization } })

  it('reads the token of a Bearer header, the scheme in any case', () => {
    expect(read('Bearer abc')).toBe('abc')
    expect(read('bearer abc')).toBe('abc')
    expect(read('BEARER abc')).toBe('abc')
  })

  it('reads nothing from other schemes, bare tokens or empty values', () => {
    for (const value of [undefined, '', 'abc', 'Basic abc', 'Token abc', 'Bearer', 'Bearer ', 'Bearerabc']) {
      expect(read(value)).toBeNull()
    }
  })

  it('answers login with the exact body of FastAPI Users and has nothing to say at logout', () => {
    expect(bearer.loginResponse('TOKEN')).toEqual({ statusCode: 200, body: { access_token: 'TOKEN', token_type: 'bearer' } })
    expect(bearer.logoutResponse()).toBeNull()
    expect(bearer.securityScheme()).toEqual({ type: 'oauth2', flows: { password: { scopes: {}, tokenUrl: 'auth/jwt/login' } } })
  })
})

describe('CookieTransport', () => {
  it('writes upstream defaults: session cookie, HttpOnly, Path=/, SameSite=lax, Secure', () => {
    const cookie = new CookieTransport()
    expect(cookie.loginResponse('T')).toEqual({
      statusCode: 204,
      setCookies: ['fastapiusersauth=T; HttpOnly; Path=/; SameSite=lax; Secure'],
    })
    expect(cookie.logoutResponse()).toEqual({
      statusCode: 204,
      setCookies: ['fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure'],
    })
  })

  it('honours every option, attributes in alphabetical order', () => {
    const cookie = new CookieTransport({
      cookieName: 'sid',
      cookieMaxAge: 3600,
      cookiePath: '/app',
      cookieDomain: 'example.com',
      cookieSecure: false,
      cookieHttpOnly: false,
      cookieSameSite: 'strict',
    })
    expect(cookie.loginResponse('T').setCookies).toEqual(['sid=T; Domain=example.com; Max-Age=3600; Path=/app; SameSite=strict'])
    expect(cookie.logoutResponse().setCookies).toEqual(['sid=""; Domain=example.com; Max-Age=0; Path=/app; SameSite=strict'])
    expect(cookie.securityScheme()).toEqual({ type: 'apiKey', in: 'cookie', name: 'sid' })
  })

  it('refuses options that would break the header', () => {
    expect(() => new CookieTransport({ cookieName: 'a b' })).toThrow(TypeError)
    expect(() => new CookieTransport({ cookiePath: '/; Domain=evil.com' })).toThrow(TypeError)
    expect(() => new CookieTransport({ cookieMaxAge: 1.5 })).toThrow(TypeError)
  })

  it('reads its cookie among others, and nothing from an empty or cleared one', () => {
    const cookie = new CookieTransport()
    const read = (header?: string) => cookie.readToken({ headers: { cookie: header } })
    expect(read('a=1; fastapiusersauth=T; b=2')).toBe('T')
    expect(read('fastapiusersauth="T"')).toBe('T')
    expect(read('fastapiusersauth=""')).toBeNull()
    expect(read('fastapiusersauth=')).toBeNull()
    expect(read('other=T')).toBeNull()
    expect(read(undefined)).toBeNull()
  })
})

describe('readCookie', () => {
  it('takes the first cookie of that name and skips malformed pairs', () => {
    expect(readCookie('x; a=1; a=2', 'a')).toBe('1')
    expect(readCookie(['a=1', 'b=2'], 'b')).toBe('2')
    expect(readCookie(';;=;', 'a')).toBeNull()
  })
})
