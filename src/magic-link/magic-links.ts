/**
 * Magic links (opt-in): a login by a link mailed to the account's address. The link's token
 * is a JWT of its own audience, `{sub?, email, jti, exp}`, short-lived (15 minutes by default)
 * and single-use: presenting it records its `jti` in the store, and a second presentation is
 * refused. A token names the user it was issued to and the address it was sent to; it dies
 * when the user's address changes. With `createUsers`, a link requested for an address
 * without an account carries only the address, and its first use creates the account (with a
 * random password, verified: the link proved the address).
 */
import { randomBytes } from 'node:crypto'
import { InvalidTokenError, UsersError } from '../errors.ts'
import { importJwtKeys, type JwtKeys, type KeyMaterial } from '../jwt/keys.ts'
import { signJwt } from '../jwt/sign.ts'
import { verifyJwt } from '../jwt/verify.ts'
import type { UserManager } from '../manager.ts'
import type { UserRecord } from '../user.ts'
import { MagicLinkError } from './errors.ts'
import type { MagicLinkStore } from './store.ts'

export const MAGIC_LINK_AUDIENCE = 'fastify-users:magic-link'

/** What the application mails: the token (to put in a link to its own page) and where to. */
export interface MagicLinkMessage<U extends UserRecord = UserRecord> {
  email: string
  token: string
  /** The account it logs into, or `null` when the first use will create it (`createUsers`). */
  user: U | null
}

export interface MagicLinkOptions<U extends UserRecord = UserRecord, R = unknown> {
  store: MagicLinkStore
  /** Mails the link. Runs after the response; it must mail `message.email` and not log the token. */
  send(message: MagicLinkMessage<U>, request: R | undefined): void | Promise<void>
  /** The HS256 key of link tokens (32 bytes or more). Default: the manager's `verificationTokenSecret`. */
  secret?: KeyMaterial
  /** Seconds a link works (default 900). */
  lifetimeSeconds?: number
  /** Create the account on the first use of a link requested for an unknown address (default false). */
  createUsers?: boolean
  /** The clock, in milliseconds; for tests. */
  now?: () => number
}

/**
 * @example
 * const links = new MagicLinks({ store: new MemoryMagicLinkStore(), send: mailIt }, manager, SECRET)
 */
export class MagicLinks<U extends UserRecord = UserRecord, R = unknown> {
  readonly lifetimeSeconds: number
  readonly createUsers: boolean
  readonly #options: MagicLinkOptions<U, R>
  readonly #keys: JwtKeys
  readonly #manager: UserManager<U, R>
  readonly #now: () => number

  constructor(options: MagicLinkOptions<U, R>, manager: UserManager<U, R>, defaultSecret: KeyMaterial) {
    this.lifetimeSeconds = options.lifetimeSeconds ?? 900
    if (!(Number.isSafeInteger(this.lifetimeSeconds) && this.lifetimeSeconds > 0)) {
      throw new TypeError('magicLink.lifetimeSeconds must be a positive whole number of seconds')
    }
    this.createUsers = options.createUsers ?? false
    this.#options = options
    this.#keys = importJwtKeys({ secret: options.secret ?? defaultSecret, algorithm: 'HS256' })
    this.#manager = manager
    this.#now = options.now ?? Date.now
  }

  /**
   * Mails a link for this address when it may log in (an active account, or none with
   * `createUsers`); does nothing otherwise. The caller answers alike in every case.
   */
  async request(email: string, request?: R): Promise<void> {
    const user = await this.#manager.getByEmail(email)
    if (user !== null && !user.is_active) return
    if (user === null && !this.createUsers) return
    const address = user?.email ?? email
    const claims = { ...(user === null ? {} : { sub: user.id }), email: address, jti: randomBytes(16).toString('base64url') }
    const exp = Math.floor(this.#now() / 1000) + this.lifetimeSeconds
    const token = await signJwt({ ...claims, exp }, this.#keys, { audience: MAGIC_LINK_AUDIENCE, lifetimeSeconds: null })
    await this.#options.send({ email: address, token, user }, request)
  }

  /** The user a link logs in, using the link up. Throws `MagicLinkError`. */
  async use(token: string, request?: R): Promise<U> {
    const now = Math.floor(this.#now() / 1000)
    let claims
    try {
      claims = verifyJwt(token, this.#keys, { audience: MAGIC_LINK_AUDIENCE, requireExp: true, now })
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new MagicLinkError()
      throw error
    }
    const { sub, email, jti, exp } = claims as { sub?: unknown; email?: unknown; jti?: unknown; exp: number }
    if (typeof email !== 'string' || typeof jti !== 'string' || (sub !== undefined && typeof sub !== 'string')) throw new MagicLinkError()
    let user = sub === undefined ? await this.#manager.getByEmail(email) : await this.#manager.get(sub)
    // A link names the address it was mailed to: it dies when the user's address changes.
    if (user !== null && user.email.toLowerCase() !== email.toLowerCase()) throw new MagicLinkError()
    if (user === null && (sub !== undefined || !this.createUsers)) throw new MagicLinkError()
    if (user !== null && !user.is_active) throw new MagicLinkError()
    if (!(await this.#options.store.consume(jti, exp, now))) throw new MagicLinkError()
    return user ?? (await this.#createUser(email, request))
  }

  async #createUser(email: string, request: R | undefined): Promise<U> {
    try {
      return await this.#manager.create({ email, password: randomBytes(32).toString('base64url'), is_verified: true }, { request })
    } catch (error) {
      // Registered meanwhile: the link proved the address, so it logs into that account.
      const user = error instanceof UsersError ? await this.#manager.getByEmail(email) : null
      if (user === null || !user.is_active) throw error instanceof UsersError ? new MagicLinkError() : error
      return user
    }
  }
}
