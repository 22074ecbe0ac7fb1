/**
 * The mail throttle on its own (src/security/mail-throttle.ts), over the memory store on a set
 * clock: its defaults, each limit counted apart per kind of mail, per recipient (folded,
 * NFKC-normalized, hashed) and per client (by clientAddressKey), refused requests counting too,
 * a limit turned off, and the rules' validation.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAIL_THROTTLE, MailThrottle, type MailThrottleOptions } from '../../src/security/mail-throttle.ts'
import { MemoryRateLimitStore } from '../../src/security/memory-store.ts'
import type { RateLimitStore, WindowCounts } from '../../src/security/rate-limit-store.ts'

/** The start of an hour window, so that the previous window counts for nothing. */
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % 3_600_000)

/** The memory store, recording the keys it counts. */
class RecordingStore extends MemoryRateLimitStore {
  keys: string[] = []
  override async hit(key: string, windowMs: number, nowMs: number): Promise<WindowCounts> {
    this.keys.push(key)
    return super.hit(key, windowMs, nowMs)
  }
}

function throttle(options: MailThrottleOptions = {}, store: RateLimitStore = new MemoryRateLimitStore()) {
  return new MailThrottle({ store, now: () => T0, ...options })
}

async function allowed(mails: MailThrottle, count: number, email: string, client: string, kind: 'forgot-password' | 'request-verify-token' = 'forgot-password') {
  const answers = []
  for (let i = 0; i < count; i++) answers.push(await mails.allow(kind, email, client))
  return answers
}

describe('MailThrottle', () => {
  it('allows five mails an hour to an address and two hundred requests an hour from a client by default', async () => {
    expect(DEFAULT_MAIL_THROTTLE).toEqual({ perEmail: { limit: 5, windowSeconds: 3600 }, perClient: { limit: 200, windowSeconds: 3600 } })
    expect(Object.isFrozen(DEFAULT_MAIL_THROTTLE) && Object.isFrozen(DEFAULT_MAIL_THROTTLE.perEmail) && Object.isFrozen(DEFAULT_MAIL_THROTTLE.perClient)).toBe(true)
    const mails = throttle()
    expect(await allowed(mails, 6, 'a@x.io', '203.0.113.7')).toEqual([true, true, true, true, true, false])
    const clients = throttle()
    const answers = []
    for (let i = 0; i < 201; i++) answers.push(await clients.allow('forgot-password', `user${i}@x.io`, '203.0.113.7'))
    expect(answers.slice(0, 200).every(Boolean)).toBe(true)
    expect(answers[200]).toBe(false)
  })

  it('uses the process clock by default', async () => {
    const mails = new MailThrottle({ store: new MemoryRateLimitStore(), perEmail: { limit: 1, windowSeconds: 3600 } })
    expect(await mails.allow('forgot-password', 'a@x.io', '203.0.113.7')).toBe(true)
    expect(await mails.allow('forgot-password', 'a@x.io', '203.0.113.7')).toBe(false)
  })

  it('counts per recipient, folded as the database compares emails and NFKC-normalized, and per kind of mail', async () => {
    const mails = throttle({ perEmail: { limit: 2, windowSeconds: 3600 }, perClient: false })
    expect(await mails.allow('forgot-password', 'King.Arthur@camelot.bt', '203.0.113.1')).toBe(true)
    expect(await mails.allow('forgot-password', 'ｋing.arthur@CAMELOT.BT', '203.0.113.2')).toBe(true)
    expect(await mails.allow('forgot-password', 'king.arthur@camelot.bt', '203.0.113.3')).toBe(false)
    expect(await mails.allow('request-verify-token', 'king.arthur@camelot.bt', '203.0.113.3')).toBe(true)
    expect(await mails.allow('forgot-password', 'lancelot@camelot.bt', '203.0.113.3')).toBe(true)
  })

  it('counts per client by its counting key, and per kind of mail', async () => {
    const mails = throttle({ perClient: { limit: 2, windowSeconds: 3600 }, perEmail: false })
    expect(await mails.allow('forgot-password', 'a@x.io', '2001:db8:0:1::1')).toBe(true)
    expect(await mails.allow('forgot-password', 'b@x.io', '2001:db8:0:1::2')).toBe(true)
    expect(await mails.allow('forgot-password', 'c@x.io', '2001:db8:0:1::3')).toBe(false)
    expect(await mails.allow('request-verify-token', 'c@x.io', '2001:db8:0:1::3')).toBe(true)
    expect(await mails.allow('forgot-password', 'c@x.io', '2001:db8:0:2::3')).toBe(true)
  })

  it('keys its counters by kind, by client key and by the recipient’s hash, never the address', async () => {
    const store = new RecordingStore()
    await throttle({}, store).allow('request-verify-token', 'King.Arthur@camelot.bt', '::ffff:203.0.113.7')
    const hash = createHash('sha256').update('king.arthur@camelot.bt').digest('base64url')
    expect(store.keys).toEqual(['mail:request-verify-token:ip:203.0.113.7', `mail:request-verify-token:email:${hash}`])
  })

  it('counts a request on both limits even when one refuses it', async () => {
    const mails = throttle({ perEmail: { limit: 1, windowSeconds: 3600 }, perClient: { limit: 3, windowSeconds: 3600 } })
    expect(await allowed(mails, 3, 'a@x.io', '203.0.113.7')).toEqual([true, false, false])
    // The client used its three requests on refused mails: another recipient is refused too.
    expect(await mails.allow('forgot-password', 'b@x.io', '203.0.113.7')).toBe(false)
    // A refusal by the client limit still counts on the recipient.
    const other = throttle({ perEmail: { limit: 2, windowSeconds: 3600 }, perClient: { limit: 1, windowSeconds: 3600 } })
    expect(await other.allow('forgot-password', 'c@x.io', '203.0.113.8')).toBe(true)
    expect(await other.allow('forgot-password', 'c@x.io', '203.0.113.8')).toBe(false)
    expect(await other.allow('forgot-password', 'c@x.io', '203.0.113.9')).toBe(false)
  })

  it('allows everything with both limits off', async () => {
    const store = new RecordingStore()
    const mails = throttle({ perEmail: false, perClient: false }, store)
    expect(await allowed(mails, 300, 'a@x.io', '203.0.113.7')).toEqual(new Array(300).fill(true))
    expect(store.keys).toEqual([])
  })

  it('refuses a rule without a positive whole limit and a positive window, naming it', () => {
    for (const [name, rule] of [
      ['perEmail', { limit: 0, windowSeconds: 60 }],
      ['perEmail', { limit: 1.5, windowSeconds: 60 }],
      ['perClient', { limit: -1, windowSeconds: 60 }],
      ['perClient', { limit: 1, windowSeconds: 0 }],
      ['perEmail', { limit: 1, windowSeconds: -60 }],
    ] as const) {
      expect(() => throttle({ [name]: rule })).toThrow(
        new TypeError(`security.mailThrottle.${name} needs a positive whole limit and a positive windowSeconds`),
      )
    }
    expect(() => throttle({ perEmail: { limit: 1, windowSeconds: 0.5 }, perClient: { limit: 1, windowSeconds: 1 } })).not.toThrow()
  })
})
