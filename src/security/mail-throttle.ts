/**
 * Throttling of the mails anyone can make the server send: reset-password and verification
 * mails, per recipient address and per client address (ASVS 5.0 V2.4.1, anti-automation).
 * Without it, a script sends a victim a mail per request, or sends mail to thousands of
 * addresses through the server.
 *
 * The throttle is silent: it runs after the response (the routes answer 202 `null` at once,
 * whatever happens), counts every request, for known and unknown addresses alike, and a refusal
 * only means that no mail is sent. So neither the answer nor its timing tells whether an
 * address has an account or has been throttled (CONTRACT, deliberate difference 14).
 */
import { createHash } from 'node:crypto'
import { foldEmail } from '../email.ts'
import { clientAddressKey } from './client-address.ts'
import type { RateLimitStore } from './rate-limit-store.ts'
import { SlidingWindowLimiter, type RateLimitRule } from './sliding-window.ts'

/** The mails a request from anyone can cause. */
export type ThrottledMail = 'forgot-password' | 'request-verify-token'

export interface MailThrottleOptions {
  /** Mails of one kind to one address (default 5 an hour); `false`: no limit. */
  perEmail?: RateLimitRule | false
  /** Mail requests of one kind from one client address (default 200 an hour); `false`: no limit. */
  perClient?: RateLimitRule | false
}

/**
 * Defaults: a person asks for a mail once or twice; five an hour leaves room for a lost mail
 * and stops a flood. Two hundred an hour per client is above the FastAPI Users conformance
 * suite run twice in a row from one address.
 */
export const DEFAULT_MAIL_THROTTLE: Readonly<{ perEmail: RateLimitRule; perClient: RateLimitRule }> = Object.freeze({
  perEmail: Object.freeze({ limit: 5, windowSeconds: 3600 }),
  perClient: Object.freeze({ limit: 200, windowSeconds: 3600 }),
})

/**
 * @example
 * const mails = new MailThrottle({ store: new MemoryRateLimitStore() })
 * if (await mails.allow('forgot-password', 'King.Arthur@camelot.bt', request.ip)) await sendMail()
 */
export class MailThrottle {
  readonly #limiter: SlidingWindowLimiter
  readonly #perEmail: RateLimitRule | null
  readonly #perClient: RateLimitRule | null

  constructor({ store, now, ...options }: MailThrottleOptions & { store: RateLimitStore; now?: () => number }) {
    this.#limiter = new SlidingWindowLimiter(store, now)
    this.#perEmail = checkedRule('perEmail', options.perEmail ?? DEFAULT_MAIL_THROTTLE.perEmail)
    this.#perClient = checkedRule('perClient', options.perClient ?? DEFAULT_MAIL_THROTTLE.perClient)
  }

  /**
   * Counts a mail request and says whether its mail may be sent. Both limits count every
   * request, refused ones too, so that a flood cannot wait for one window to let it through.
   */
  async allow(kind: ThrottledMail, email: string, clientAddress: string): Promise<boolean> {
    let allowed = true
    if (this.#perClient !== null) {
      const verdict = await this.#limiter.hit(`mail:${kind}:ip:${clientAddressKey(clientAddress)}`, this.#perClient)
      allowed &&= verdict.allowed
    }
    if (this.#perEmail !== null) {
      // Folded as the database compares emails, and hashed: a shared store never holds addresses.
      const key = createHash('sha256').update(foldEmail(email.normalize('NFKC'))).digest('base64url')
      const verdict = await this.#limiter.hit(`mail:${kind}:email:${key}`, this.#perEmail)
      allowed &&= verdict.allowed
    }
    return allowed
  }
}

function checkedRule(name: string, rule: RateLimitRule | false): RateLimitRule | null {
  if (rule === false) return null
  if (!(Number.isInteger(rule.limit) && rule.limit > 0 && rule.windowSeconds > 0)) {
    throw new TypeError(`security.mailThrottle.${name} needs a positive whole limit and a positive windowSeconds`)
  }
  return rule
}
