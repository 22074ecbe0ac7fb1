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

describe('BearerTransport, the edges of the header', () => {
  const bearer = new BearerTransport({ tokenUrl: 'auth/jwt/login' })
  const read = (authorization?: string) => bearer.readToken({ headers: { authorization } })

  it('needs the space after the scheme: a seven-letter word starting with Bearer is no header', () => {
    expect(read('BearerX')).toBeNull()
    expect(read('bearer1')).toBeNull()
  })

  it('trims the token', () => {
    expect(read('Bearer   abc  ')).toBe('abc')
  })

  it('says the token does not travel in a cookie', () => {
    expect(bearer.travelsInCookie).toBe(false)
    expect(new CookieTransport().travelsInCookie).toBe(true)
  })
})

describe('CookieTransport, the validation of its options', () => {
  it('accepts every token character of RFC 6265 in a cookie name', () => {
    const name = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    expect(new CookieTransport({ cookieName: name }).cookieName).toBe(name)
    expect(new CookieTransport({ cookieName: 'a' }).cookieName).toBe('a')
  })

  it('refuses a cookie name with a separator, anywhere in it, or an empty one', () => {
    for (const cookieName of ['', ' a', 'a ', 'a;b', 'a=b', '(a', 'a)', 'a,b', 'a"b', 'a/b', 'ä', 'a\tb', 'a\nb']) {
      expect(() => new CookieTransport({ cookieName }), JSON.stringify(cookieName)).toThrow(new TypeError(`invalid cookie name: ${cookieName}`))
    }
  })

  it('refuses a path or a domain with a semicolon or a control character, anywhere in it', () => {
    for (const value of [';', '/a;', ';/a', '/\x00', '\x1f/', '/a\x7f', '/a\nb', '/a\rb']) {
      expect(() => new CookieTransport({ cookiePath: value }), JSON.stringify(value)).toThrow('invalid cookie path or domain')
      expect(() => new CookieTransport({ cookieDomain: value }), JSON.stringify(value)).toThrow('invalid cookie path or domain')
    }
  })

  it('accepts an empty path and any printable path or domain', () => {
    expect(new CookieTransport({ cookiePath: '' }).loginResponse('T').setCookies).toEqual([
      'fastapiusersauth=T; HttpOnly; Path=; SameSite=lax; Secure',
    ])
    const cookie = new CookieTransport({ cookiePath: '/a b/ü~', cookieDomain: 'sub.example.com' })
    expect(cookie.loginResponse('T').setCookies).toEqual([
      'fastapiusersauth=T; Domain=sub.example.com; HttpOnly; Path=/a b/ü~; SameSite=lax; Secure',
    ])
  })

  it('accepts a Max-Age of zero and refuses a negative or non-integer one', () => {
    expect(new CookieTransport({ cookieMaxAge: 0 }).loginResponse('T').setCookies).toEqual([
      'fastapiusersauth=T; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure',
    ])
    for (const cookieMaxAge of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new CookieTransport({ cookieMaxAge }), String(cookieMaxAge)).toThrow('cookieMaxAge must be a whole number of seconds')
    }
  })

  it('sets SameSite=none when asked', () => {
    expect(new CookieTransport({ cookieSameSite: 'none' }).logoutResponse().setCookies).toEqual([
      'fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/; SameSite=none; Secure',
    ])
  })
})

describe('readCookie, the edges of the header', () => {
  it('skips a pair without "=" even when its name would match the rest', () => {
    expect(readCookie('ab', 'a')).toBeNull()
    expect(readCookie('ab; a=1', 'a')).toBe('1')
  })

  it('trims the value, and removes only a pair of surrounding quotes', () => {
    expect(readCookie('a=  1  ', 'a')).toBe('1')
    expect(readCookie('a="', 'a')).toBe('"')
    expect(readCookie('a="x', 'a')).toBe('"x')
    expect(readCookie('a=x"', 'a')).toBe('x"')
    expect(readCookie('a=""', 'a')).toBe('')
    expect(readCookie('a="x"', 'a')).toBe('x')
  })

  it('keeps an "=" inside the value', () => {
    expect(readCookie('a=b=c', 'a')).toBe('b=c')
  })

  it('joins the lines of a repeated header as separate cookies', () => {
    expect(readCookie(['a=1', 'b=2'], 'a')).toBe('1')
    expect(readCookie(['x=1', 'a=2'], 'a')).toBe('2')
    expect(readCookie([], 'a')).toBeNull()
  })
})
