/**
 * Password hashing, with the rules of FastAPI Users' password helper (pwdlib, CONTRACT §9.4).
 *
 * - New hashes are argon2id, version 0x13, with OWASP's parameters (m=19456 KiB, t=2, p=1), a
 *   16-byte random salt and a 32-byte output, as a PHC string `$argon2id$v=19$m=19456,t=2,p=1$…`.
 * - Stored hashes are recognised as pwdlib's two hashers recognise them: `$argon2id$` of any
 *   parameters (FastAPI Users writes `m=65536,t=3,p=4`), and bcrypt `$2a$ $2b$ $2x$ $2y$` with a
 *   2-digit cost in 60 characters. Everything else throws `UnknownHashError`: pbkdf2, plaintext,
 *   a truncated or empty string, and `$argon2i$`/`$argon2d$`, which pwdlib does not identify
 *   either (its Argon2Hasher matches `$argon2id$` only), so no FastAPI Users database holds them.
 * - A successful verification returns a new argon2id hash whenever the stored one is not an
 *   argon2id hash of the current parameters, so old hashes migrate at login (CONTRACT §9.5).
 *   Bcrypt is never written, so a bcrypt match always comes with a new hash.
 * - Passwords are NFKC-normalised, then hashed as their UTF-8 bytes (NIST SP 800-63B 5.1.1.2:
 *   verifiers SHOULD normalise), so `Café` typed composed or decomposed, or `ﬁ` typed as a
 *   ligature, is one password. FastAPI Users hashed the raw text: when the typed password is
 *   not in NFKC form, its raw form is tried too, and a match comes with a new hash of the
 *   normalised form (CONTRACT, deliberate difference 12).
 * - Bcrypt reads only the first 72 bytes of a password. That is the algorithm's definition and
 *   what passlib and pwdlib verified, so it is kept for verification; the argon2id hash written
 *   after such a login covers the whole password as submitted.
 *
 * Concurrency: both native libraries run each hash as N-API async work on libuv's thread pool,
 * never on the event-loop thread, so a slow hash does not stall other requests. That pool has
 * UV_THREADPOOL_SIZE threads (default 4, at most 1024; set it in the environment that starts
 * Node, as the pool reads it once when it is first used): at most that many hashes run at
 * once, the others wait in the pool's queue, and each running argon2id hash holds memoryCost
 * KiB (19 MiB). The same pool serves fs, dns.lookup, zlib and async node:crypto (WebCrypto
 * included), which a login storm delays too; hence the request hot path stays off it (DESIGN.md).
 *
 * So hashing is bounded here as well: at most `concurrency` hashes (default: the CPUs this
 * process may run on, and no more than the pool's threads) are handed to the pool at once, the
 * others wait in a queue in this process, in arrival order. More hashes than CPUs would not hash
 * faster, they would only take CPU time from the event loop (on one CPU with the default pool,
 * four hashing threads against one event-loop thread), and a pool full of queued hashes holds up
 * every fs or dns job behind them (BENCHMARKS.md, `mixed`). Helpers without their own
 * `concurrency` share one queue, as they share the pool.
 */
import { hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2'
import type { Algorithm, Options as Argon2Options, Version } from '@node-rs/argon2'
import { verify as bcryptVerify } from '@node-rs/bcrypt'
import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { UnknownHashError } from './errors.ts'

/** What the user manager needs from a password hasher; replace it with any object of this shape. */
export interface PasswordHasher {
  /** A new hash of the password (argon2id). */
  hash(password: string): Promise<string>
  /**
   * Verifies; `updatedHash` is a new hash when the stored one's scheme or parameters differ from
   * the current ones, else null. Throws UnknownHashError for a format no hasher recognises.
   */
  verifyAndUpdate(password: string, hash: string): Promise<{ verified: boolean; updatedHash: string | null }>
  /** A random password (for OAuth-created users): 32 random bytes base64url. */
  generate(): string
}

/** The cost parameters of argon2id: memory in KiB, passes, lanes. */
export interface Argon2Parameters {
  memoryCost: number
  timeCost: number
  parallelism: number
}

/** argon2id's cost parameters (OWASP_ARGON2ID's where not given), and how many hash at once. */
export interface PasswordHelperOptions extends Partial<Argon2Parameters> {
  /** Hashes and verifications handed to the libuv pool at once; the others queue (see above). */
  concurrency?: number
}

/** OWASP's Password Storage Cheat Sheet minimum for argon2id (m=19 MiB, t=2, p=1). */
export const OWASP_ARGON2ID: Argon2Parameters = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 })

// The native package declares these as ambient const enums, which isolated modules cannot
// read, so their values are spelled out here.
const ARGON2ID: Algorithm = 2
const VERSION_0X13: Version = 1
const SALT_BYTES = 16
const OUTPUT_BYTES = 32

// pwdlib's BcryptHasher pattern, with bcrypt's own base-64 alphabet (`./A-Za-z0-9`).
const BCRYPT_HASH = /^\$2[abxy]\$(\d{2})\$[./A-Za-z0-9]{53}$/

/**
 * Hashes new passwords with argon2id and verifies argon2id and bcrypt hashes, off the event loop.
 *
 * `$2x$` (crypt_blowfish's flagged sign-extension bug) is verified with the correct algorithm,
 * as pwdlib (pyca/bcrypt) does: passwords of ASCII bytes give the same result either way, and a
 * non-ASCII password hashed by the buggy code fails closed, it never matches more than it should.
 *
 * @example
 * const passwords = new PasswordHelper()
 * const stored = await passwords.hash('correct horse battery staple')
 * const { verified, updatedHash } = await passwords.verifyAndUpdate('correct horse battery staple', stored)
 * // verified === true, updatedHash === null: the hash already uses the current parameters
 */
export class PasswordHelper implements PasswordHasher {
  readonly parameters: Readonly<Argon2Parameters>
  readonly #slots: HashingSlots

  constructor(options: PasswordHelperOptions = {}) {
    // Picked one by one so that no stray option (a `secret`, a `salt`) reaches the hasher.
    const { memoryCost = OWASP_ARGON2ID.memoryCost, timeCost = OWASP_ARGON2ID.timeCost, parallelism = OWASP_ARGON2ID.parallelism } = options
    this.parameters = Object.freeze({ memoryCost, timeCost, parallelism })
    checkParameters(this.parameters)
    if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
      throw new RangeError('concurrency must be a positive integer')
    }
    this.#slots = options.concurrency === undefined ? sharedSlots() : new HashingSlots(options.concurrency)
  }

  async hash(password: string): Promise<string> {
    const options: Argon2Options = {
      algorithm: ARGON2ID,
      version: VERSION_0X13,
      memoryCost: this.parameters.memoryCost,
      timeCost: this.parameters.timeCost,
      parallelism: this.parameters.parallelism,
      outputLen: OUTPUT_BYTES,
      salt: randomBytes(SALT_BYTES),
    }
    return this.#slots.run(() => argon2Hash(utf8(normalizePassword(password)), options))
  }

  async verifyAndUpdate(password: string, hash: string): Promise<{ verified: boolean; updatedHash: string | null }> {
    // A database may hand back anything, `null` included; that is an unknown format, not a crash.
    if (typeof hash !== 'string') throw new UnknownHashError()
    const normalized = normalizePassword(password)
    let result = await this.#verify(normalized, hash)
    // A legacy hash of the raw text (FastAPI Users did not normalise) matches only the raw form,
    // and is then replaced by a hash of the normalised one.
    if (!result.verified && normalized !== password) result = { ...(await this.#verify(password, hash)), current: false }
    const updatedHash = result.verified && !result.current ? await this.hash(password) : null
    return { verified: result.verified, updatedHash }
  }

  generate(): string {
    return randomBytes(32).toString('base64url')
  }

  async #verify(password: string, hash: string): Promise<{ verified: boolean; current: boolean }> {
    if (hash.startsWith('$argon2id$')) return this.#verifyArgon2id(password, hash)
    return { verified: await this.#slots.run(() => verifyBcrypt(password, hash)), current: false }
  }

  async #verifyArgon2id(password: string, hash: string): Promise<{ verified: boolean; current: boolean }> {
    let stored: ReturnType<typeof parseOptions>
    let verified: boolean
    try {
      stored = parseOptions(hash)
      verified = await this.#slots.run(() => argon2Verify(hash, utf8(password)))
    } catch {
      // The native parser rejects malformed PHC strings (bad base64, a salt too short, …).
      throw new UnknownHashError()
    }
    // Every parameter counts, as in argon2-cffi's check_needs_rehash, which pwdlib calls.
    const current =
      stored.version === VERSION_0X13 &&
      stored.memoryCost === this.parameters.memoryCost &&
      stored.timeCost === this.parameters.timeCost &&
      stored.parallelism === this.parameters.parallelism &&
      stored.outputLen === OUTPUT_BYTES &&
      stored.saltLen === SALT_BYTES
    return { verified, current }
  }
}

async function verifyBcrypt(password: string, hash: string): Promise<boolean> {
  const cost = BCRYPT_HASH.exec(hash)?.[1]
  // bcrypt defines costs 4 to 31; the native verifier answers `false` to any other, which would
  // make a corrupt hash look like a wrong password.
  if (cost === undefined || Number(cost) < 4 || Number(cost) > 31) throw new UnknownHashError()
  return bcryptVerify(utf8(password), hash)
}

/** At most `limit` jobs at once; the others wait, in arrival order, for a slot to be handed on. */
class HashingSlots {
  #free: number
  readonly #waiting: Array<() => void> = []

  constructor(limit: number) {
    this.#free = limit
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    try {
      return await job()
    } finally {
      const next = this.#waiting.shift()
      if (next) next()
      else this.#free++
    }
  }
}

let shared: HashingSlots | null = null

/** The process's queue: as many hashes at once as CPUs, within the pool's size (4 by default). */
function sharedSlots(): HashingSlots {
  const pool = Number(process.env['UV_THREADPOOL_SIZE'])
  const poolSize = Number.isInteger(pool) && pool >= 1 ? Math.min(pool, 1024) : 4
  shared ??= new HashingSlots(Math.max(1, Math.min(availableParallelism(), poolSize)))
  return shared
}

/**
 * The form a password is hashed in: NFKC, so that every spelling of the same text is one
 * password (NIST SP 800-63B 5.1.1.2).
 *
 * @example
 * normalizePassword('Cafe\u0301') === normalizePassword('Caf\u00e9') // true
 * normalizePassword('\ufb01le') // 'file'
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC')
}

function utf8(password: string): Buffer {
  return Buffer.from(password)
}

function checkParameters({ memoryCost, timeCost, parallelism }: Argon2Parameters): void {
  // Checked here so that a bad configuration fails at startup, not at the first registration.
  const isCount = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max
  if (!isCount(parallelism, 1, 255)) throw new RangeError('argon2 parallelism must be an integer from 1 to 255')
  if (!isCount(timeCost, 1, 2 ** 32 - 1)) throw new RangeError('argon2 timeCost must be a positive integer')
  if (!isCount(memoryCost, 8 * parallelism, 2 ** 32 - 1)) {
    throw new RangeError('argon2 memoryCost must be an integer of at least 8 KiB per lane')
  }
}
