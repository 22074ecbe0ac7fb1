/**
 * The one sink of security events. `emit` completes an event (id, time, and the request's
 * address, user agent and actor), hands it to the `onAuditEvent` hook and, with a store, queues
 * it; it never throws and never waits, so that auditing neither fails nor slows the request
 * that caused the event. The queue is written in batches on a later turn of the event loop,
 * after the response; it is bounded (`queueLimit`), and an event that cannot be kept, because
 * the queue is full or the store failed, is reported to the log with its type and user, never
 * dropped silently. A hook's failure is reported the same way.
 *
 * The email of a failed login for which no account exists is recorded as a keyed digest
 * (HMAC-SHA256 under a key derived from the application's secret, of the email folded as
 * logins compare it): the same name gives the same digest, so attacks on one name show, and an
 * operator can compute the digest of a name to look for it, while a password typed into the
 * email field, as users do, never reaches the log in a readable or brute-forceable form.
 */
import { createHmac, hkdfSync, KeyObject, randomBytes } from 'node:crypto'
import { foldEmail } from '../email.ts'
import type { KeyMaterial } from '../jwt/keys.ts'
import type { AuditEvent, AuditEventInput } from './events.ts'
import type { AuditStore } from './store.ts'

/** Where failures are reported: a pino-style logger (Fastify's `request.log`). */
export interface AuditErrorLog {
  error(object: Record<string, unknown>, message: string): void
}

/** What a request tells about an event: the client's address and agent, who is logged in, where to report. */
export interface AuditRequestFacts {
  ip: string | null
  user_agent: string | null
  /** The request's authenticated user, if any. */
  user_id: string | null
  log?: AuditErrorLog
}

/** How events are kept (fastifyUsers' `audit` option). */
export interface AuditOptions {
  /** Where events are kept; without one, they only reach the `onAuditEvent` hook. */
  store?: AuditStore
  /** Deletes the stored events older than this many days (checked at most hourly, after writes). */
  retentionDays?: number
  /** The most events waiting to be written (default 10 000); beyond it, events are reported and dropped. */
  queueLimit?: number
}

export interface AuditLogOptions<R> extends AuditOptions {
  /** Called with every event as it is emitted; not awaited (a failure is logged). */
  onAuditEvent?(event: AuditEvent, request: R | undefined): void | Promise<void>
  /** The secret the email digest key is derived from. */
  secret: KeyMaterial
  /** The facts of a request; without it, events carry no address, agent or actor. */
  describeRequest?(request: R): AuditRequestFacts
  /** Where failures outside a request are reported (default: a process warning). */
  log?: AuditErrorLog
  now?: () => number
}

const BATCH = 100
const MAX_USER_AGENT = 512
const RETENTION_CHECK_MS = 3_600_000
const DAY_MS = 86_400_000

interface Queued {
  event: AuditEvent
  log: AuditErrorLog
}

const warningLog: AuditErrorLog = {
  error: (object, message) => process.emitWarning(`fastify-users: ${message} ${JSON.stringify(object)}`),
}

/**
 * @example
 * manager.audit.emit({ type: 'api_key.revoked', user_id: user.id, data: { key_id: key.id } }, request)
 */
export class AuditLog<R = unknown> {
  readonly store: AuditStore | null
  readonly #options: AuditLogOptions<R>
  readonly #emailKey: Buffer
  readonly #queue: Queued[] = []
  readonly #queueLimit: number
  readonly #now: () => number
  #draining: Promise<void> | null = null
  #lastPurge = 0
  #lastMs = 0
  #sequence = 0

  constructor(options: AuditLogOptions<R>) {
    this.#options = options
    this.store = options.store ?? null
    this.#queueLimit = options.queueLimit ?? 10_000
    this.#now = options.now ?? Date.now
    this.#emailKey = Buffer.from(hkdfSync('sha256', secretBytes(options.secret), Buffer.alloc(0), 'fastify-users audit email v1', 32))
    if (options.retentionDays !== undefined && !(options.retentionDays > 0)) throw new TypeError('audit.retentionDays must be a positive number')
  }

  /** Whether anything listens: without a hook or a store, callers may skip building events. */
  get enabled(): boolean {
    return this.store !== null || this.#options.onAuditEvent !== undefined
  }

  /** The digest a failed login records for an email no account has. */
  emailDigest(email: string): string {
    return createHmac('sha256', this.#emailKey).update(foldEmail(email.normalize('NFKC'))).digest('base64url')
  }

  /** Records an event; never throws, never waits. */
  emit(input: AuditEventInput, request?: R): void {
    if (!this.enabled) return
    const facts = request === undefined ? undefined : this.#options.describeRequest?.(request)
    const actor = input.actor_id !== undefined ? input.actor_id : facts?.user_id ?? null
    const now = this.#now()
    // A spread of a union member keeps its type/data pairing; the fields added are common to all.
    const event: AuditEvent = {
      ...input,
      id: this.#nextId(now),
      actor_id: actor === input.user_id ? null : actor,
      occurred_at: new Date(now),
      ip: facts?.ip ?? null,
      user_agent: facts?.user_agent?.slice(0, MAX_USER_AGENT) ?? null,
    }
    const log = facts?.log ?? this.#options.log ?? warningLog
    this.#callHook(event, request, log)
    if (this.store === null) return
    if (this.#queue.length >= this.#queueLimit) {
      log.error({ audit_event: event.type, user_id: event.user_id }, 'audit event dropped: the audit queue is full')
      return
    }
    this.#queue.push({ event, log })
    this.#draining ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#drain())
  }

  /** Resolves once every event emitted so far has been written (or reported). */
  async flush(): Promise<void> {
    while (this.#draining !== null) await this.#draining
  }

  #callHook(event: AuditEvent, request: R | undefined, log: AuditErrorLog): void {
    const hook = this.#options.onAuditEvent
    if (hook === undefined) return
    const report = (err: unknown) => log.error({ err, audit_event: event.type, user_id: event.user_id }, 'the onAuditEvent hook failed')
    try {
      const result = hook(event, request)
      if (result instanceof Promise) result.catch(report)
    } catch (err) {
      report(err)
    }
  }

  async #drain(): Promise<void> {
    const store = this.store!
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, BATCH)
        try {
          await store.append(batch.map((queued) => queued.event))
        } catch (err) {
          const first = batch[0]!
          first.log.error(
            { err, audit_events: batch.map((queued) => ({ id: queued.event.id, type: queued.event.type, user_id: queued.event.user_id })) },
            `${batch.length} audit event(s) could not be stored`,
          )
        }
      }
      await this.#purge(store)
    } finally {
      this.#draining = null
    }
  }

  async #purge(store: AuditStore): Promise<void> {
    const days = this.#options.retentionDays
    const now = this.#now()
    if (days === undefined || now - this.#lastPurge < RETENTION_CHECK_MS) return
    this.#lastPurge = now
    try {
      await store.deleteBefore(new Date(now - days * DAY_MS))
    } catch (err) {
      ;(this.#options.log ?? warningLog).error({ err }, 'old audit events could not be deleted')
    }
  }

  /** A UUIDv7: the millisecond, then a counter within it, so ids sort in emission order. */
  #nextId(now: number): string {
    if (now === this.#lastMs) this.#sequence += 1
    else {
      this.#lastMs = now
      this.#sequence = 0
    }
    const random = randomBytes(8)
    const hex = now.toString(16).padStart(12, '0') + (0x7000 | (this.#sequence & 0xfff)).toString(16) + random.toString('hex')
    const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
    const h = hex.slice(0, 16) + variant + hex.slice(17, 32)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
  }
}

function secretBytes(secret: KeyMaterial): Buffer {
  if (typeof secret === 'string') return Buffer.from(secret, 'utf8')
  if (secret instanceof KeyObject) {
    if (secret.type !== 'secret') throw new TypeError('the audit log needs a symmetric secret')
    return secret.export()
  }
  return Buffer.from(secret)
}
