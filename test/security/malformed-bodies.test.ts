/**
 * Threat: bodies built to crash a parser, pollute prototypes, smuggle JSON past the CSRF rules
 * or inject operators. Each is a 4xx (422 for what FastAPI reports as a validation error), and
 * nothing is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueEmail } from '../support/app.ts'
import { buildSecureApp, type SecureApp } from './app.ts'

let t: SecureApp
beforeAll(async () => {
  t = await buildSecureApp({ security: { rateLimit: false } })
})
afterAll(() => t.close())

const json = (url: string, body: string | Buffer, type = 'application/json') =>
  t.app.inject({ method: 'POST', url, headers: { 'content-type': type }, body })
const multipart = (body: string, type = 'multipart/form-data') =>
  t.app.inject({ method: 'POST', url: '/auth/jwt/login', headers: { 'content-type': type }, body })
async function userCount(): Promise<number> {
  const row = await t.store.db.selectFrom('user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('malformed bodies', () => {
  it('refuses prototype pollution in JSON, and leaves Object.prototype alone', async () => {
    const before = await userCount()
    for (const body of [
      `{"email":"${uniqueEmail()}","password":"a good password","__proto__":{"is_superuser":true}}`,
      `{"email":"${uniqueEmail()}","password":"a good password","constructor":{"prototype":{"is_superuser":true}}}`,
    ]) {
      expect((await json('/auth/register', body)).statusCode).toBe(422)
    }
    expect(({} as Record<string, unknown>).is_superuser).toBeUndefined()
    expect(await userCount()).toBe(before)
  })

  it('refuses prototype keys in forms and multipart bodies', async () => {
    const form = await t.app.inject({
      method: 'POST', url: '/auth/jwt/login', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '__proto__[isAdmin]=1&constructor[prototype][isAdmin]=1&username=a%40example.com&password=whatever-long',
    })
    expect(form.statusCode).toBe(400)
    const part = (name: string, value: string) => `--X\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    const res = await multipart(`${part('__proto__', 'x')}${part('username', 'a@example.com')}${part('password', 'whatever-long')}--X--\r\n`, 'multipart/form-data; boundary=X')
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })

  it('answers broken multipart bodies with 422, not a 500', async () => {
    for (const [type, body] of [
      ['multipart/form-data', 'garbage'],
      ['multipart/form-data; boundary=', 'garbage'],
      ['multipart/form-data; boundary=X', 'garbage'],
      ['multipart/form-data; boundary=X', '--X\r\nContent-Disposition: form-data; name="username"\r\n\r\na'],
    ] as const) {
      expect((await multipart(body, type)).statusCode, `${type} ${body}`).toBe(422)
    }
  })

  it('refuses a JSON body that is not UTF-8, instead of storing U+FFFD', async () => {
    const email = `u${uniqueEmail()}`
    const body = Buffer.concat([Buffer.from(`{"email":"${email.slice(0, 3)}`), Buffer.from([0xff, 0xfe]), Buffer.from(`${email.slice(3)}","password":"a good password"}`)])
    expect((await json('/auth/register', body)).statusCode).toBe(422)
    const overlong = Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('@example.com","password":"a good password"}')])
    expect((await json('/auth/register', overlong)).statusCode).toBe(422)
  })

  it('does not read JSON from text/plain or look-alike content types', async () => {
    const body = JSON.stringify({ email: uniqueEmail(), password: 'a good password' })
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'application/json-patch+json', 'text/json']) {
      expect((await json('/auth/register', body, type)).statusCode, type).toBe(422)
    }
    expect((await t.app.inject({ method: 'POST', url: '/auth/register', body })).statusCode).toBe(422)
  })

  it('caps the size and survives deep nesting', async () => {
    expect((await json('/auth/register', JSON.stringify({ email: uniqueEmail(), password: 'x'.repeat(2 << 20) }))).statusCode).toBe(413)
    expect((await json('/auth/register', '['.repeat(400_000) + ']'.repeat(400_000))).statusCode).toBe(422)
    expect((await json('/auth/register', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000))).statusCode).toBe(422)
    expect((await json('/auth/forgot-password', `{"email":${'['.repeat(5000)}${']'.repeat(5000)}}`)).statusCode).toBe(422)
  })

  it('refuses operator objects and other types where strings are expected', async () => {
    const cases: Array<[string, unknown]> = [
      ['/auth/forgot-password', { email: { $ne: null } }],
      ['/auth/forgot-password', { email: { $regex: '.*' } }],
      ['/auth/request-verify-token', { email: ['a@example.com'] }],
      ['/auth/reset-password', { token: { $gt: '' }, password: 'a good password' }],
      ['/auth/verify', { token: 42 }],
      ['/auth/register', { email: uniqueEmail(), password: { $ne: '' } }],
    ]
    for (const [url, payload] of cases) {
      expect((await t.app.inject({ method: 'POST', url, payload: payload as object })).statusCode, JSON.stringify(payload)).toBe(422)
    }
  })

  it('refuses NUL bytes and control characters in emails', async () => {
    for (const email of ['a\u0000@example.com', 'a@exam\u0000ple.com', 'a\u202e@example.com', 'a\n@example.com']) {
      expect((await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 'a good password' } })).statusCode).toBe(422)
    }
  })

  it('answers duplicated and empty form fields with 422', async () => {
    const form = (body: string) => t.app.inject({ method: 'POST', url: '/auth/jwt/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
    expect((await form('username=a%40example.com&username=b%40example.com&password=whatever-long')).statusCode).toBe(422)
    expect((await form('')).statusCode).toBe(422)
    expect((await form(`username=a%40example.com&password=${'p'.repeat(5000)}`)).statusCode).toBe(422)
  })
})
