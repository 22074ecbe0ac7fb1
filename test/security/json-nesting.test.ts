/**
 * Threat: deeply nested JSON (thousands of levels) sent to any route, to exhaust the parser's
 * stack or the server's time, or hidden in a key the schema drops so that the handler runs
 * anyway. A body nesting deeper than `security.maxJsonDepth` is refused with 422 before it is
 * parsed, on every JSON route (ASVS 5.0 V1.5, safe deserialization).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_MAX_JSON_DEPTH, nestingExceeds } from '../../src/fastify/security/body-parsing.ts'
import { bearerAuth, uniqueEmail } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`

describe('nestingExceeds', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    const text = (s: string) => new TextEncoder().encode(s)
    expect(nestingExceeds(text(nested(3)), 3)).toBe(false)
    expect(nestingExceeds(text(nested(4)), 3)).toBe(true)
    expect(nestingExceeds(text(nestedObjects(4)), 3)).toBe(true)
    expect(nestingExceeds(text(`{"a":"${'['.repeat(100)}","b":"\\"[[[["}`), 1)).toBe(false)
    expect(nestingExceeds(text(`[[[${'"\\\\"'}]]]`), 3)).toBe(false)
  })
})

describe('on the routes', () => {
  let t: SecureApp
  let strict: SecureApp
  let mailed = 0
  beforeAll(async () => {
    t = await buildSecureApp({ manager: { onAfterForgotPassword: () => void mailed++ } })
    strict = await buildSecureApp({ security: { maxJsonDepth: 2 } })
  })
  afterAll(async () => {
    await t.close()
    await strict.close()
  })

  const json = (app: SecureApp, method: 'POST' | 'PATCH', url: string, body: string, headers: Record<string, string> = {}) =>
    app.app.inject({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: body })

  it('refuses thousands of levels in a dropped key with 422, before any handler', async () => {
    const { user } = await t.createUser()
    const body = `{"email":${JSON.stringify(user.email)},"extra":${nested(5000)}}`
    const res = await json(t, 'POST', '/auth/forgot-password', body)
    expect(res.statusCode).toBe(422)
    expect(res.json().detail[0]).toMatchObject({ type: 'body_error', loc: ['body'] })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(mailed).toBe(0)
  })

  it('refuses it on every JSON route, authenticated ones too', async () => {
    const { user, password } = await t.createUser()
    const token = (await t.app.inject(loginRequest(user.email, password))).json().access_token as string
    const deep = `{"x":${nestedObjects(DEFAULT_MAX_JSON_DEPTH + 1)}}`
    for (const url of ['/auth/register', '/auth/forgot-password', '/auth/reset-password', '/auth/request-verify-token', '/auth/verify']) {
      expect((await json(t, 'POST', url, deep)).statusCode, url).toBe(422)
    }
    const patch = await json(t, 'PATCH', '/users/me', deep, bearerAuth(token))
    expect(patch.statusCode).toBe(422)
    expect((await t.store.users.get(user.id))!.email).toBe(user.email)
  })

  it('accepts nesting up to the limit, which is an option', async () => {
    const atLimit = `{"email":${JSON.stringify(uniqueEmail())},"password":"a good long password","x":${nested(DEFAULT_MAX_JSON_DEPTH - 1)}}`
    expect((await json(t, 'POST', '/auth/register', atLimit)).statusCode).toBe(201)
    const twoLevels = `{"email":${JSON.stringify(uniqueEmail())},"password":"a good long password","x":[1]}`
    expect((await json(strict, 'POST', '/auth/register', twoLevels)).statusCode).toBe(201)
    const threeLevels = `{"email":${JSON.stringify(uniqueEmail())},"password":"a good long password","x":[[1]]}`
    expect((await json(strict, 'POST', '/auth/register', threeLevels)).statusCode).toBe(422)
  })

  it('refuses a limit that is not a whole number of at least 1', async () => {
    await expect(buildSecureApp({ security: { maxJsonDepth: 0 } })).rejects.toThrow(TypeError)
  })
})
