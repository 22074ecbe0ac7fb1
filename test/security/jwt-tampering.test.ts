/**
 * Threat: forged or altered JWTs: `alg: none`, algorithm confusion, another secret, tampered
 * header, payload or signature, non-canonical base64, unknown critical headers, missing or
 * wrong claims, and garbage of every shape. Each is refused the same way: 401 on an
 * authenticated route, `*_BAD_TOKEN` on reset and verify; never a 5xx.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

let t: SecureApp
let good: string
let userId: string
let email: string

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
function sign(header: object, payload: object, secret: string = SECRET, hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`
}
const exp = () => Math.floor(Date.now() / 1000) + 3600

beforeAll(async () => {
  t = await buildSecureApp()
  const { user, password } = await t.createUser()
  userId = user.id
  email = user.email
  good = (await t.app.inject(loginRequest(user.email, password))).json().access_token
})
afterAll(() => t.close())

function forgeries(audience: string | string[], claims: Record<string, unknown>): Record<string, string> {
  const payload = { sub: userId, aud: audience, exp: exp(), ...claims }
  const [h, p, s] = good.split('.') as [string, string, string]
  return {
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
    'alg None, signature kept': `${b64({ alg: 'None', typ: 'JWT' })}.${b64(payload)}.${s}`,
    'HS512 with the secret': sign({ alg: 'HS512', typ: 'JWT' }, payload, SECRET, 'sha512'),
    'RS256 header, HMAC signature (confusion)': sign({ alg: 'RS256', typ: 'JWT' }, payload),
    'another secret': sign({ alg: 'HS256', typ: 'JWT' }, payload, `${SECRET}-other`),
    'unknown crit header': sign({ alg: 'HS256', typ: 'JWT', crit: ['exp-v2'], 'exp-v2': 1 }, payload),
    'kid path injection': sign({ alg: 'HS256', typ: 'JWT', kid: '../../../../dev/null' }, payload, ''),
    'empty secret': sign({ alg: 'HS256', typ: 'JWT' }, payload, ''),
    'expired': sign({ alg: 'HS256', typ: 'JWT' }, { ...payload, exp: 1 }),
    'no exp': sign({ alg: 'HS256', typ: 'JWT' }, { sub: userId, aud: audience, ...claims }),
    'not before in the future': sign({ alg: 'HS256', typ: 'JWT' }, { ...payload, nbf: exp() }),
    'sub as a number': sign({ alg: 'HS256', typ: 'JWT' }, { ...payload, sub: 12 }),
    'sub as an object': sign({ alg: 'HS256', typ: 'JWT' }, { ...payload, sub: { $ne: null } }),
    'tampered payload': `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: '00000000-0000-4000-8000-000000000000' })}.${s}`,
    'tampered signature': `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`,
    'signature with a stray character': `${h}.${p}.${s}*`,
    'padded base64': `${h}=.${p}.${s}`,
    'four segments': `${good}.${s}`,
    'two segments': `${h}.${p}`,
    'header not JSON': `${b64('not json')}.${p}.${s}`,
    'payload an array': sign({ alg: 'HS256', typ: 'JWT' }, [payload]),
    'huge': `${h}.${'A'.repeat(100_000)}.${s}`,
    'empty': '',
    'dots': '...',
  }
}

describe('access tokens', () => {
  it('accepts the genuine token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${good}` } })).statusCode).toBe(200)
  })

  it('refuses every forgery with 401, as a bearer token or a cookie', async () => {
    for (const [name, token] of Object.entries(forgeries(['fastapi-users:auth'], {}))) {
      for (const headers of [{ authorization: `Bearer ${token}` }, { cookie: `fastapiusersauth=${token}` }]) {
        const res = await t.app.inject({ method: 'GET', url: '/users/me', headers })
        expect(res.statusCode, name).toBe(401)
        expect(res.json()).toEqual({ detail: 'Unauthorized' })
      }
    }
  })

  it('refuses malformed Authorization headers with 401', async () => {
    for (const authorization of ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer  ${good} extra`, `Token ${good}`, 'Bearer \u0000', `Bearer ${'x'.repeat(16_000)}`]) {
      expect((await t.app.inject({ method: 'GET', url: '/users/me', headers: { authorization } })).statusCode, authorization.slice(0, 20)).toBe(401)
    }
  })
})

describe('reset and verify tokens', () => {
  // A token without `exp` is among the forgeries: reset and verify tokens are always issued
  // with one, here and upstream.
  it('refuses every forgery with the route\'s BAD_TOKEN code', async () => {
    for (const [name, token] of Object.entries(forgeries('fastapi-users:reset', { password_fgpt: 'x' }))) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token, password: 'a brand new password' } })
      expect(res.json(), name).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
    }
    for (const [name, token] of Object.entries(forgeries('fastapi-users:verify', { email }))) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/verify', payload: { token } })
      expect(res.json(), name).toEqual({ detail: 'VERIFY_USER_BAD_TOKEN' })
    }
  })
})
