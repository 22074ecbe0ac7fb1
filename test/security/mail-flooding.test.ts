/**
 * Threat: using forgot-password and request-verify-token to flood a victim's mailbox, or to
 * send mail to many addresses through the server. Mails are throttled per recipient and per
 * client address, silently: every request still gets 202 `null` at once, before any lookup or
 * mail (the timing method of enumeration.test.ts), so the throttle tells nothing either.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MailThrottle } from '../../src/security/mail-throttle.ts'
import { MemoryRateLimitStore } from '../../src/security/memory-store.ts'
import { RedisRateLimitStore } from '../../src/redis/rate-limit-store.ts'
import { settle, uniqueEmail } from '../support/app.ts'
import { requireRedis, uniqueName } from '../support/services.ts'
import { buildSecureApp, type SecureApp } from './app.ts'

let t: SecureApp
let release: () => void = () => {}
let gate = Promise.resolve()
const mailed: Array<{ kind: string; email: string }> = []

beforeAll(async () => {
  const mail = (kind: string) => async (user: { email: string }) => {
    await gate
    mailed.push({ kind, email: user.email })
  }
  t = await buildSecureApp({
    manager: { onAfterForgotPassword: mail('forgot-password'), onAfterRequestVerify: mail('request-verify-token') },
    security: { mailThrottle: { perEmail: { limit: 3, windowSeconds: 3600 }, perClient: { limit: 8, windowSeconds: 3600 } } },
  })
})
afterAll(() => t.close())

function visible(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  const { date: _date, 'x-request-id': _id, ...headers } = res.headers
  return { status: res.statusCode, body: res.body, headers }
}

const ask = (route: string, email: string, remoteAddress: string) =>
  t.app.inject({ method: 'POST', url: `/auth/${route}`, payload: { email }, remoteAddress })

describe.each(['forgot-password', 'request-verify-token'])('%s', (route) => {
  it('sends at most the per-address limit of mails, and answers every request alike before any work', async () => {
    const { user } = await t.createUser()
    gate = new Promise((resolve) => {
      release = resolve
    })
    mailed.length = 0
    const seen = []
    // A burst for the known address, spelled in two letter cases, from distinct clients, then
    // an unknown address: throttled, unthrottled and unknown requests must look the same.
    for (let i = 0; i < 6; i++) {
      const email = i % 2 === 0 ? user.email : user.email.toUpperCase()
      seen.push(visible(await ask(route, email, `198.51.100.${i + 1}`)))
    }
    seen.push(visible(await ask(route, uniqueEmail('nobody'), '198.51.100.50')))
    expect(mailed).toEqual([])
    for (const response of seen) expect(response).toEqual(seen[0])
    expect(seen[0]).toMatchObject({ status: 202, body: 'null' })
    release()
    await expect.poll(() => mailed.length).toBe(3)
    await settle(100)
    expect(mailed).toEqual(Array(3).fill({ kind: route, email: user.email }))
  })

  it('stops mails from one client past its limit, and not those of another client', async () => {
    gate = Promise.resolve()
    mailed.length = 0
    const created = []
    for (let i = 0; i < 10; i++) created.push((await t.createUser()).user.email)
    const client = `203.0.113.${route.length}`
    const answers = new Set<string>()
    for (const email of created) answers.add(JSON.stringify(visible(await ask(route, email, client))))
    expect(answers.size).toBe(1)
    await settle(200)
    expect(mailed).toHaveLength(8)
    await ask(route, created[9]!, '192.0.2.77')
    await expect.poll(() => mailed.length).toBe(9)
    expect(mailed.at(-1)!.email).toBe(created[9])
  })
})

describe('the throttle on each store', () => {
  let redis: Redis | null = null
  beforeAll(async () => {
    const url = await requireRedis()
    if (url) redis = new Redis(url)
  })
  afterAll(() => redis?.quit())

  it.for(['memory', 'redis'])('%s: counts per kind, per folded address and per client', async (name, ctx) => {
    if (name === 'redis' && redis === null) return ctx.skip()
    const store = name === 'memory' ? new MemoryRateLimitStore() : new RedisRateLimitStore(redis!, { keyPrefix: `${uniqueName('mail')}:` })
    const mails = new MailThrottle({ store, perEmail: { limit: 2, windowSeconds: 60 }, perClient: { limit: 4, windowSeconds: 60 } })
    const verdicts = []
    for (const email of ['a@example.com', 'A@example.com', 'a@example.com']) verdicts.push(await mails.allow('forgot-password', email, '192.0.2.1'))
    expect(verdicts).toEqual([true, true, false])
    expect(await mails.allow('request-verify-token', 'a@example.com', '192.0.2.1')).toBe(true)
    expect(await mails.allow('forgot-password', 'b@example.com', '192.0.2.1')).toBe(true)
    expect(await mails.allow('forgot-password', 'c@example.com', '192.0.2.1')).toBe(false)
    expect(await mails.allow('forgot-password', 'c@example.com', '192.0.2.2')).toBe(true)
  })

  it('refuses a malformed limit at startup', () => {
    expect(() => new MailThrottle({ store: new MemoryRateLimitStore(), perEmail: { limit: 0, windowSeconds: 60 } })).toThrow(TypeError)
  })
})
