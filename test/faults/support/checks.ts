/**
 * What the fault-injection suite asserts about the answers it recorded, and how it tells that a
 * service is back.
 */
import { expect } from 'vitest'
import { call, logIn, type Account, type Operation, type Outcome } from './load.ts'

/** The answers each operation may get while stores come and go. */
const EXPECTED: Record<Operation, number[]> = {
  'register': [201, 503],
  'login': [200, 503],
  'me': [200, 503],
  'forgot-password': [202, 503],
  'patch': [200, 503],
}

export interface OutcomeCheck {
  /** Strings that must appear in no refusal: the stores' ports, driver vocabulary. */
  leaks: string[]
  /** From this time on, /users/me and PATCH may answer 401 (tokens of before a Redis wipe). */
  allow401After?: number
}

/** Asserts every recorded answer: an expected status, 503s in the library's shape, no details. */
export function checkOutcomes(outcomes: Outcome[], check: OutcomeCheck): { unavailable: number; created: number } {
  const unexpected: Outcome[] = []
  let unavailable = 0
  for (const outcome of outcomes) {
    const allowed = [...EXPECTED[outcome.operation]]
    if (check.allow401After !== undefined && outcome.startedAt >= check.allow401After && (outcome.operation === 'me' || outcome.operation === 'patch')) {
      allowed.push(401)
    }
    // 429s on logins are the throttle's check (checkNoLoginThrottled), not this one's.
    if (outcome.operation === 'login' && outcome.status === 429) continue
    if (!allowed.includes(outcome.status)) unexpected.push(outcome)
    if (outcome.status === 503) {
      unavailable++
      expect(JSON.parse(outcome.body)).toEqual({ detail: 'SERVICE_UNAVAILABLE' })
      expect(outcome.retryAfter).toMatch(/^\d+$/)
    }
    if (outcome.status >= 400) {
      for (const leak of check.leaks) expect(outcome.body, `${outcome.operation} ${outcome.status}`).not.toContain(leak)
    }
  }
  expect(unexpected.slice(0, 5), `${unexpected.length} unexpected answers`).toEqual([])
  return { unavailable, created: outcomes.filter((o) => o.operation === 'register' && o.status === 201).length }
}

/** Correct-password logins are never throttled: an outage must not count as failed logins. */
export function checkNoLoginThrottled(outcomes: Outcome[]): void {
  const logins = outcomes.filter((o) => o.operation === 'login')
  expect(logins.length).toBeGreaterThan(0)
  expect(logins.filter((o) => o.status === 429).length).toBe(0)
}

/** Driver vocabulary that must never reach a client. */
export const DRIVER_WORDS = ['ECONNREFUSED', 'ECONNRESET', 'Connection terminated', 'timeout', 'SQL', 'stack', 'Mongo', 'ioredis', 'Error:']

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * One second after a service is back, the first request (a login of `account`) succeeds, and
 * so does a request with its new token.
 */
export async function expectServingOneSecondAfter(base: string, account: Account): Promise<void> {
  await sleep(1000)
  const token = await logIn(base, account)
  const me = await call(base, 'GET', '/users/me', { token })
  expect(me.status, me.body).toBe(200)
}
