/**
 * The pieces of the OAuth flow on their own: state tokens, the CSRF cookie and its comparison,
 * the single-use store and the PKCE verifier.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { ErrorCode, UsersError } from '../../src/errors.ts'
import { signJwt } from '../../src/jwt/sign.ts'
import {
  csrfTokensMatch,
  MemoryOAuthStateStore,
  OAuthCsrfCookie,
  OAuthStateTokens,
  pkceChallenge,
  pkceVerifier,
} from '../../src/oauth/index.ts'

const SECRET = 'unit-state-secret-long-enough-for-hs256-01234'

function decodeSegment(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>
}

describe('OAuthStateTokens', () => {
  // Made per test rather than at collection, so that mutation testing sees which test reaches it.
  let states: OAuthStateTokens
  beforeEach(() => {
    states = new OAuthStateTokens(SECRET)
  })

  it("signs HS256, as FastAPI Users, with only the claims given and FastAPI Users' audience", async () => {
    const token = await states.issue({ csrftoken: 'c' })
    expect(decodeSegment(token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' })
    expect(Object.keys(decodeSegment(token, 1)).sort()).toEqual(['aud', 'csrftoken', 'exp'])
    expect(decodeSegment(token, 1)).toMatchObject({ aud: 'fastapi-users:oauth-state', csrftoken: 'c' })
  })

  it('reads a scope claim as its non-empty words, and no scopes given as an empty list', async () => {
    expect(states.read(await states.issue({ csrftoken: 'c', scopes: [] })).scopes).toEqual([])
    const upstream = await signJwt({ csrftoken: 'c', scope: ' openid  email ' }, states.keys, { audience: 'fastapi-users:oauth-state', lifetimeSeconds: 60 })
    expect(states.read(upstream).scopes).toEqual(['openid', 'email'])
  })

  it('refuses a state with no expiry, even signed with the state secret', async () => {
    const token = await signJwt({ csrftoken: 'c' }, states.keys, { audience: 'fastapi-users:oauth-state', lifetimeSeconds: null })
    expect(() => states.read(token)).toThrow(expect.objectContaining({ code: ErrorCode.ACCESS_TOKEN_DECODE_ERROR }))
  })

  it("round-trips FastAPI Users' claims, and ours", async () => {
    const token = await states.issue({ csrftoken: 'c', oauthName: 'google', scopes: ['openid', 'email'], sub: 'u', redirectTo: 'http://front.example/' })
    const state = states.read(token)
    expect(state).toEqual({
      csrftoken: 'c', oauthName: 'google', scopes: ['openid', 'email'], sub: 'u', redirectTo: 'http://front.example/', exp: expect.any(Number),
    })
    // Ten minutes by default (upstream: an hour).
    expect(state.exp - Date.now() / 1000).toBeGreaterThan(590)
    expect(state.exp - Date.now() / 1000).toBeLessThanOrEqual(600)
    expect(states.read(await states.issue({ csrftoken: 'c' }))).toMatchObject({ oauthName: null, scopes: null, sub: null, redirectTo: null })
    expect(new OAuthStateTokens(SECRET, { lifetimeSeconds: 3600 }).lifetimeSeconds).toBe(3600)
  })

  it('reads a missing csrftoken as null, for the CSRF check to refuse', async () => {
    const token = await signJwt({ csrftoken: 42 }, states.keys, { audience: 'fastapi-users:oauth-state', lifetimeSeconds: 60 })
    expect(states.read(token).csrftoken).toBeNull()
  })

  it('refuses with the wire codes', async () => {
    const code = (token: string | null) => {
      try {
        states.read(token)
        return null
      } catch (error) {
        return (error as UsersError).code
      }
    }
    expect(code(null)).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR)
    expect(code(undefined as unknown as null)).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR)
    expect(code('')).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR)
    expect(code('a.b.c')).toBe(ErrorCode.ACCESS_TOKEN_DECODE_ERROR)
    expect(code(await new OAuthStateTokens(SECRET, { lifetimeSeconds: 0 }).issue({ csrftoken: 'c' }))).toBe(ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED)
  })
})

describe('OAuthCsrfCookie', () => {
  it("writes FastAPI Users' cookie by default", () => {
    const cookie = new OAuthCsrfCookie()
    expect(cookie.set('abc')).toBe('fastapiusersoauthcsrf=abc; HttpOnly; Max-Age=600; Path=/; SameSite=lax; Secure')
    expect(cookie.clear()).toBe('fastapiusersoauthcsrf=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure')
    expect(cookie.read({ headers: { cookie: 'a=1; fastapiusersoauthcsrf=abc' } })).toBe('abc')
    expect(cookie.read({ headers: { cookie: 'fastapiusersoauthcsrf=""' } })).toBeNull()
    expect(cookie.read({ headers: {} })).toBeNull()
  })

  it('takes every attribute as configured', () => {
    const cookie = new OAuthCsrfCookie({ name: 'csrf', path: '/auth', domain: 'example.com', secure: false, httpOnly: false, sameSite: 'strict' })
    expect(cookie.set('abc')).toBe('csrf=abc; Domain=example.com; Max-Age=600; Path=/auth; SameSite=strict')
    expect(() => new OAuthCsrfCookie({ name: 'bad name' })).toThrow(TypeError)
  })
})

describe('csrfTokensMatch', () => {
  it('matches equal tokens only', () => {
    expect(csrfTokensMatch('a'.repeat(43), 'a'.repeat(43))).toBe(true)
    expect(csrfTokensMatch('a'.repeat(43), `${'a'.repeat(42)}b`)).toBe(false)
    expect(csrfTokensMatch('a'.repeat(43), 'a'.repeat(42))).toBe(false)
    expect(csrfTokensMatch(null, 'a')).toBe(false)
    expect(csrfTokensMatch('a', null)).toBe(false)
    expect(csrfTokensMatch('', '')).toBe(false)
  })
})

describe('MemoryOAuthStateStore', () => {
  const now = () => Math.floor(Date.now() / 1000)

  it('accepts a key once until it expires', async () => {
    const store = new MemoryOAuthStateStore()
    expect(await store.consume('k', now() + 60)).toBe(true)
    expect(await store.consume('k', now() + 60)).toBe(false)
    expect(await store.consume('other', now() + 60)).toBe(true)
  })

  it('forgets expired keys', async () => {
    const store = new MemoryOAuthStateStore()
    for (let i = 0; i < 100; i++) await store.consume(`old-${i}`, now() - 1)
    await store.consume('fresh', now() + 60)
    expect(store.size).toBe(1)
  })

  it('lets one of many concurrent uses of a key through', async () => {
    const store = new MemoryOAuthStateStore()
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consume('same', now() + 60)))
    expect(results.filter(Boolean).length).toBe(1)
  })
})

describe('PKCE', () => {
  it('derives a 43-character verifier per CSRF token, keyed by the state secret', () => {
    const keys = new OAuthStateTokens(SECRET).keys
    const verifier = pkceVerifier('token-1', keys)
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(pkceVerifier('token-1', keys)).toBe(verifier)
    expect(pkceVerifier('token-2', keys)).not.toBe(verifier)
    expect(pkceVerifier('token-1', new OAuthStateTokens(`${SECRET}!`).keys)).not.toBe(verifier)
  })

  it('computes the S256 challenge of RFC 7636, appendix B', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
  })
})
