/**
 * UserManager's rules, called directly on an in-memory SQLite store with a cheap argon2id
 * helper: what each method checks, stores, audits and hands to the hooks, the revokers and the
 * mailer, and how it maps the store's errors to wire codes. Fast enough to run under Stryker
 * (docs/mutation.md); the same rules through the routes are in manager.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// Each module from its own file, not from src/index.ts: Stryker runs this file once per mutant,
// and the whole library (Fastify included) would triple the time of each run.
import { sqliteUserDatabase, type KyselyUserStore } from '../src/db/kysely/open.ts'
import type { UserDatabase } from '../src/db/types.ts'
import type { AuditEvent } from '../src/audit/events.ts'
import { DuplicateEmailError, DuplicateUsernameError, ErrorCode, InvalidPasswordError, UnknownHashError } from '../src/errors.ts'
import { Mailer, type MailMessage } from '../src/mail/mailer.ts'
import { UserManager, type UserManagerOptions } from '../src/manager.ts'
import { PasswordHelper, type PasswordHasher } from '../src/password.ts'
import type { UserRecord } from '../src/user.ts'
import { importJwtKeys } from '../src/jwt/keys.ts'
import { signJwt } from '../src/jwt/sign.ts'
import { OWASP_ARGON2ID } from '../src/password.ts'
import type { RevokeOptions } from '../src/revocation/revoker.ts'
import { passwordFingerprint, RESET_PASSWORD_AUDIENCE, VERIFY_AUDIENCE } from '../src/tokens.ts'

const LIGHT = new PasswordHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1 })
const OLDER = new PasswordHelper({ memoryCost: 2048, timeCost: 1, parallelism: 1 })
const secrets = { resetPasswordTokenSecret: 'r'.repeat(32), verificationTokenSecret: 'v'.repeat(32) }
const PASSWORD = 'quartz-lantern-meadow-41'
const OTHER_PASSWORD = 'copper-harbour-violet-88'
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'

/** The light helper, counting what the manager asks of it. */
class CountingHasher implements PasswordHasher {
  hashes = 0
  verifications = 0
  hash(password: string): Promise<string> {
    this.hashes++
    return LIGHT.hash(password)
  }
  verifyAndUpdate(password: string, hash: string): Promise<{ verified: boolean; updatedHash: string | null }> {
    this.verifications++
    return LIGHT.verifyAndUpdate(password, hash)
  }
  generate(): string {
    return LIGHT.generate()
  }
}

let store: KyselyUserStore
let counter = 0
const email = (name = 'user') => `${name}-${++counter}@example.com`

beforeAll(async () => {
  store = await sqliteUserDatabase({ filename: ':memory:' })
})
afterAll(() => store.destroy())

type Db = UserDatabase<UserRecord>
/** The store, with some methods replaced (the others bound to the store, whose fields are private). */
function dbWith(overrides: Partial<Record<keyof Db, unknown>> = {}): Db {
  return new Proxy(store.users, {
    get(target, property) {
      if (property in overrides) return overrides[property as keyof Db]
      const value = Reflect.get(target, property, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** A manager recording its hook calls, audit events and revocations. */
function setup(options: Partial<UserManagerOptions<UserRecord, string>> = {}) {
  const calls: Array<[string, ...unknown[]]> = []
  const events: AuditEvent[] = []
  const revoked: Array<[string, RevokeOptions | undefined]> = []
  const hasher = new CountingHasher()
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args])
    }
  const manager = new UserManager<UserRecord, string>({
    db: store.users,
    passwordHelper: hasher,
    ...secrets,
    onAfterRegister: record('onAfterRegister'),
    onAfterUpdate: record('onAfterUpdate'),
    onAfterRequestVerify: record('onAfterRequestVerify'),
    onAfterVerify: record('onAfterVerify'),
    onAfterForgotPassword: record('onAfterForgotPassword'),
    onAfterResetPassword: record('onAfterResetPassword'),
    onBeforeDelete: record('onBeforeDelete'),
    onAfterDelete: record('onAfterDelete'),
    onAuditEvent: (event) => {
      events.push(event)
    },
    tokenRevokers: [
      {
        revokeAllTokens: async (userId, revokeOptions) => {
          revoked.push([userId, revokeOptions])
        },
      },
    ],
    ...options,
  })
  const named = (name: string) => calls.filter((call) => call[0] === name).map((call) => call.slice(1))
  return { manager, calls, named, events, revoked, hasher }
}

async function storedUser(fields: Partial<UserRecord> = {}, password = PASSWORD, helper: PasswordHasher = LIGHT): Promise<UserRecord> {
  return store.users.create({
    email: email(),
    hashed_password: await helper.hash(password),
    is_active: true,
    is_superuser: false,
    is_verified: false,
    ...fields,
  })
}

const resetKeys = importJwtKeys({ secret: secrets.resetPasswordTokenSecret, algorithm: 'HS256' })
const verifyKeys = importJwtKeys({ secret: secrets.verificationTokenSecret, algorithm: 'HS256' })

describe('UserManager construction', () => {
  it('hashes with the OWASP argon2id parameters unless given a hasher, and has no usernames by default', () => {
    const plain = new UserManager({ db: store.users, ...secrets })
    expect(plain.passwordHelper).toBeInstanceOf(PasswordHelper)
    expect((plain.passwordHelper as PasswordHelper).parameters).toEqual(OWASP_ARGON2ID)
    expect(plain.usernames).toBeNull()
    const hasher = new CountingHasher()
    expect(new UserManager({ db: store.users, ...secrets, passwordHelper: hasher }).passwordHelper).toBe(hasher)
    expect(new UserManager({ db: store.users, ...secrets, usernames: false }).usernames).toBeNull()
  })

  it('takes the default username rules for `true` and its own otherwise', () => {
    expect(new UserManager({ db: store.users, ...secrets, usernames: true }).usernames?.rules.minLength).toBe(3)
    expect(new UserManager({ db: store.users, ...secrets, usernames: { minLength: 5 } }).usernames?.rules.minLength).toBe(5)
  })
})

describe('UserManager lookups', () => {
  it('get and getForDisplay answer null to a malformed id without asking the store', async () => {
    const asked: string[] = []
    const db = dbWith({
      get: async (id: string) => (asked.push(`get ${id}`), null),
      getForDisplay: async (id: string) => (asked.push(`display ${id}`), null),
    })
    const { manager } = setup({ db })
    expect(await manager.get('not-a-uuid')).toBeNull()
    expect(await manager.getForDisplay('not-a-uuid')).toBeNull()
    expect(asked).toEqual([])
    await manager.get(UNKNOWN_UUID.toUpperCase())
    await manager.getForDisplay(UNKNOWN_UUID.toUpperCase())
    expect(asked).toEqual([`get ${UNKNOWN_UUID}`, `display ${UNKNOWN_UUID}`])
  })

  it('getForDisplay reads through get when the store has no display read', async () => {
    const user = await storedUser()
    const { manager } = setup({ db: dbWith({ getForDisplay: undefined }) })
    expect((await manager.getForDisplay(user.id))?.email).toBe(user.email)
    expect(await manager.getByEmail(user.email.toUpperCase())).toMatchObject({ id: user.id })
  })
})

describe('UserManager.validatePassword', () => {
  it('answers the policy refusal with the code of the operation and its reason', async () => {
    const { manager } = setup()
    await expect(manager.validatePassword('short', { email: 'a@b.io' }, ErrorCode.UPDATE_USER_INVALID_PASSWORD)).rejects.toMatchObject({
      code: ErrorCode.UPDATE_USER_INVALID_PASSWORD,
      reason: 'Password should be at least 8 characters',
    })
    await expect(manager.validatePassword(PASSWORD, { email: 'a@b.io' }, ErrorCode.UPDATE_USER_INVALID_PASSWORD)).resolves.toBeUndefined()
  })

  it('uses the application policy instead, and lets its other errors through as they are', async () => {
    const failure = new Error('policy service down')
    const { manager } = setup({
      validatePassword: (password) => {
        if (password === 'boom') throw failure
        if (password !== 'abc') throw new InvalidPasswordError('only abc')
      },
    })
    await expect(manager.validatePassword('abc', { email: 'a@b.io' }, ErrorCode.REGISTER_INVALID_PASSWORD)).resolves.toBeUndefined()
    await expect(manager.validatePassword('boom', { email: 'a@b.io' }, ErrorCode.REGISTER_INVALID_PASSWORD)).rejects.toBe(failure)
    await expect(manager.validatePassword(PASSWORD, { email: 'a@b.io' }, ErrorCode.REGISTER_INVALID_PASSWORD)).rejects.toMatchObject({
      code: ErrorCode.REGISTER_INVALID_PASSWORD,
      reason: 'only abc',
    })
  })
})

describe('UserManager.create', () => {
  it('stores a hash of the password and the default flags, and calls onAfterRegister', async () => {
    const { manager, named, hasher } = setup()
    const address = email()
    const user = await manager.create({ email: address, password: PASSWORD, is_active: null, is_superuser: null, is_verified: null }, { request: 'req' })
    expect(user).toMatchObject({ email: address, is_active: true, is_superuser: false, is_verified: false })
    expect(user).not.toHaveProperty('password')
    expect(hasher.hashes).toBe(1)
    expect((await LIGHT.verifyAndUpdate(PASSWORD, user.hashed_password)).verified).toBe(true)
    expect(named('onAfterRegister')).toEqual([[user, 'req']])
  })

  it('refuses a password the policy refuses for this input, before hashing', async () => {
    const { manager, hasher, named } = setup()
    const address = email('lancelot')
    await expect(manager.create({ email: address, password: `${address}-x` })).rejects.toMatchObject({
      code: ErrorCode.REGISTER_INVALID_PASSWORD,
      reason: 'Password should not contain e-mail',
    })
    expect(hasher.hashes).toBe(0)
    expect(await store.users.getByEmail(address)).toBeNull()
    expect(named('onAfterRegister')).toEqual([])
  })

  it('refuses a taken email', async () => {
    const taken = await storedUser()
    const { manager, named, hasher } = setup()
    await expect(manager.create({ email: taken.email, password: PASSWORD })).rejects.toMatchObject({ code: ErrorCode.REGISTER_USER_ALREADY_EXISTS })
    expect(named('onAfterRegister')).toEqual([])
    // Refused on the lookup, before any hash: the unique index is the last resort, not the rule.
    expect(hasher.hashes).toBe(0)
  })

  it('sets the privileged fields unless safe', async () => {
    const { manager } = setup()
    const flags = { is_active: false, is_superuser: true, is_verified: true }
    expect(await manager.create({ email: email(), password: PASSWORD, ...flags })).toMatchObject(flags)
    const safe = await manager.create({ email: email(), password: PASSWORD, ...flags, id: UNKNOWN_UUID, hashed_password: 'x' }, { safe: true })
    expect(safe).toMatchObject({ is_active: true, is_superuser: false, is_verified: false })
    expect(safe.id).not.toBe(UNKNOWN_UUID)
    expect(safe.hashed_password).toMatch(/^\$argon2id\$/)
  })

  it("maps the store's duplicate errors to the register codes and lets others through", async () => {
    const failure = new Error('disk full')
    const cases: Array<[unknown, Record<string, unknown> | Error]> = [
      [new DuplicateEmailError(), { code: ErrorCode.REGISTER_USER_ALREADY_EXISTS }],
      [new DuplicateUsernameError(), { code: 'REGISTER_USERNAME_ALREADY_EXISTS' }],
      [failure, failure],
    ]
    for (const [thrown, expected] of cases) {
      const { manager, named } = setup({
        usernames: true,
        db: dbWith({
          create: async () => {
            throw thrown
          },
        }),
      })
      const attempt = manager.create({ email: email(), password: PASSWORD, username: `name${counter}` })
      if (expected instanceof Error) await expect(attempt).rejects.toBe(expected)
      else await expect(attempt).rejects.toMatchObject(expected)
      expect(named('onAfterRegister')).toEqual([])
    }
  })

  it('stores a username only with usernames on', async () => {
    const on = setup({ usernames: true }).manager
    expect(await on.create({ email: email(), password: PASSWORD, username: `knight${counter}` })).toMatchObject({ username: `knight${counter}` })
    const off = setup().manager
    expect((await off.create({ email: email(), password: PASSWORD, username: `squire${counter}` })).username ?? null).toBeNull()
  })
})

describe('UserManager.authenticate', () => {
  it('spends one hash on an unknown email, two when the password is not in NFKC form, and audits the refusal', async () => {
    const { manager, hasher, events } = setup()
    const unknown = email('nobody')
    expect(await manager.authenticate({ username: unknown, password: PASSWORD }, 'req')).toBeNull()
    expect(hasher.hashes).toBe(1)
    expect(await manager.authenticate({ username: unknown, password: '\ufb01sh-and-chips-17' })).toBeNull()
    expect(hasher.hashes).toBe(3)
    expect(events).toHaveLength(2)
    expect(events[0]).toMatchObject({ type: 'login.failed', user_id: null, data: { reason: 'bad_credentials', email_digest: manager.audit.emailDigest(unknown) } })
  })

  it('answers the user to the right password and null, audited, to a wrong one', async () => {
    const user = await storedUser()
    const { manager, events, hasher } = setup()
    expect((await manager.authenticate({ username: user.email, password: PASSWORD }))?.id).toBe(user.id)
    expect(events).toEqual([])
    expect(await manager.authenticate({ username: user.email, password: OTHER_PASSWORD })).toBeNull()
    expect(events).toMatchObject([{ type: 'login.failed', user_id: user.id, data: { reason: 'bad_credentials' } }])
    expect(hasher.hashes).toBe(0)
    expect((await store.users.get(user.id))?.hashed_password).toBe(user.hashed_password)
  })

  it('audits a hash of unknown format and throws, and lets other failures through unaudited', async () => {
    const user = await storedUser({ hashed_password: 'plaintext' })
    const { manager, events } = setup()
    await expect(manager.authenticate({ username: user.email, password: PASSWORD })).rejects.toBeInstanceOf(UnknownHashError)
    expect(events).toMatchObject([{ type: 'login.failed', user_id: user.id, data: { reason: 'unknown_hash' } }])
    const failure = new Error('hasher down')
    const broken = setup({
      passwordHelper: {
        hash: LIGHT.hash.bind(LIGHT),
        generate: LIGHT.generate.bind(LIGHT),
        verifyAndUpdate: async () => {
          throw failure
        },
      },
    })
    await expect(broken.manager.authenticate({ username: user.email, password: PASSWORD })).rejects.toBe(failure)
    expect(broken.events).toEqual([])
  })

  it('replaces an outdated hash with the new one, once', async () => {
    const user = await storedUser({}, PASSWORD, OLDER)
    const { manager, hasher } = setup()
    const authenticated = await manager.authenticate({ username: user.email, password: PASSWORD })
    // One verification: the stored hash is only read again when the rehash lost a race.
    expect(hasher.verifications).toBe(1)
    const stored = (await store.users.get(user.id))!.hashed_password
    expect(stored).not.toBe(user.hashed_password)
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/)
    expect(authenticated?.hashed_password).toBe(stored)
    await manager.authenticate({ username: user.email, password: PASSWORD })
    expect((await store.users.get(user.id))!.hashed_password).toBe(stored)
  })

  it('when the hash changed meanwhile, lets the password in only if it matches the hash stored now', async () => {
    // Between the verification and the rehash, `change` replaces the stored hash.
    const attempt = async (change: (user: UserRecord) => Promise<unknown>) => {
      const user = await storedUser({}, PASSWORD, OLDER)
      const { manager } = setup({
        db: dbWith({
          updatePassword: async (target: UserRecord, expected: string, next: string) => {
            await change(target)
            return store.users.updatePassword(target, expected, next)
          },
        }),
      })
      return { user, result: await manager.authenticate({ username: user.email, password: PASSWORD }) }
    }
    const sameElsewhere = await attempt(async (user) => store.users.updatePassword(user, user.hashed_password, await LIGHT.hash(PASSWORD)))
    expect(sameElsewhere.result?.id).toBe(sameElsewhere.user.id)
    expect(sameElsewhere.result?.hashed_password).toBe((await store.users.get(sameElsewhere.user.id))!.hashed_password)
    const reset = await attempt(async (user) => store.users.updatePassword(user, user.hashed_password, await LIGHT.hash(OTHER_PASSWORD)))
    expect(reset.result).toBeNull()
    const deleted = await attempt((user) => store.users.delete(user))
    expect(deleted.result).toBeNull()
  })

  it('finds the account of an email typed in compatibility forms, the address as typed first', async () => {
    const user = await storedUser({ email: `abc${++counter}@example.com` })
    const lookups: string[] = []
    const { manager } = setup({ db: dbWith({ getByEmail: async (address: string) => (lookups.push(address), store.users.getByEmail(address)) }) })
    // An address already in NFKC form is looked up once.
    const nobody = email('nobody')
    expect(await manager.authenticate({ username: nobody, password: PASSWORD })).toBeNull()
    expect(lookups).toEqual([nobody])
    const fullWidth = [...user.email].map((char) => (/[a-z0-9]/.test(char) ? String.fromCodePoint(char.codePointAt(0)! + 0xfee0) : char)).join('')
    expect(fullWidth).not.toBe(user.email)
    expect((await manager.authenticate({ username: fullWidth, password: PASSWORD }))?.id).toBe(user.id)
    const asTyped = await storedUser({ email: fullWidth })
    expect((await manager.authenticate({ username: fullWidth, password: PASSWORD }))?.id).toBe(asTyped.id)
  })

  it('looks a login name without @ up as a username with usernames on, as an email otherwise', async () => {
    const name = `percival${++counter}`
    const user = await storedUser({ username: name } as Partial<UserRecord>)
    expect((await setup({ usernames: true }).manager.authenticate({ username: name.toUpperCase(), password: PASSWORD }))?.id).toBe(user.id)
    expect(await setup().manager.authenticate({ username: name, password: PASSWORD })).toBeNull()
  })
})

describe('UserManager.verifyPassword', () => {
  it('answers whether the password is the current one, false to an unknown hash, and lets other failures through', async () => {
    const user = await storedUser({}, PASSWORD, OLDER)
    const { manager } = setup()
    expect(await manager.verifyPassword(user, PASSWORD)).toBe(true)
    expect(await manager.verifyPassword(user, OTHER_PASSWORD)).toBe(false)
    expect(await manager.verifyPassword({ ...user, hashed_password: 'plaintext' }, 'plaintext')).toBe(false)
    // Not upgraded here.
    expect((await store.users.get(user.id))!.hashed_password).toBe(user.hashed_password)
    const failure = new Error('hasher down')
    const broken = setup({
      passwordHelper: { hash: async () => '', generate: () => '', verifyAndUpdate: async () => Promise.reject(failure) },
    })
    await expect(broken.manager.verifyPassword(user, PASSWORD)).rejects.toBe(failure)
  })
})

describe('UserManager password reset', () => {
  it('mints a token, calls the hook, and sets the new password once, ending every session', async () => {
    const user = await storedUser()
    const { manager, named, events, revoked } = setup()
    const token = await manager.forgotPassword(user, 'forgot-req')
    expect(named('onAfterForgotPassword')).toEqual([[user, token, 'forgot-req']])
    const updated = await manager.resetPassword(token, OTHER_PASSWORD, 'reset-req')
    expect(updated.id).toBe(user.id)
    expect(updated.hashed_password).not.toBe(user.hashed_password)
    expect((await LIGHT.verifyAndUpdate(OTHER_PASSWORD, (await store.users.get(user.id))!.hashed_password)).verified).toBe(true)
    expect(revoked).toEqual([[user.id, {}]])
    expect(events).toMatchObject([{ type: 'password.reset', user_id: user.id, data: {} }])
    expect(named('onAfterResetPassword')).toEqual([[user, 'reset-req']])
    await expect(manager.resetPassword(token, 'yet-another-password-93')).rejects.toMatchObject({ code: ErrorCode.RESET_PASSWORD_BAD_TOKEN })
  })

  it('refuses a token that is not one, names no user, or names an unknown or inactive one', async () => {
    const reads: string[] = []
    const { manager, named } = setup({ db: dbWith({ get: async (id: string) => (reads.push(id), store.users.get(id)) }) })
    const inactive = await storedUser({ is_active: false })
    const sign = (sub: string, hashed = inactive.hashed_password) =>
      signJwt({ sub, password_fgpt: passwordFingerprint(hashed, resetKeys) }, resetKeys, { audience: RESET_PASSWORD_AUDIENCE, lifetimeSeconds: 3600 })
    for (const token of ['not-a-token', await sign('not-a-uuid'), await sign(UNKNOWN_UUID), await sign(inactive.id)]) {
      await expect(manager.resetPassword(token, OTHER_PASSWORD)).rejects.toMatchObject({ code: ErrorCode.RESET_PASSWORD_BAD_TOKEN })
    }
    // The malformed id is refused before any read.
    expect(reads).toEqual([UNKNOWN_UUID, inactive.id])
    const active = await storedUser()
    await expect(manager.resetPassword(await sign(active.id, 'another hash'), OTHER_PASSWORD)).rejects.toMatchObject({
      code: ErrorCode.RESET_PASSWORD_BAD_TOKEN,
    })
    expect(await manager.resetPassword(await sign(active.id, active.hashed_password), OTHER_PASSWORD)).toMatchObject({ id: active.id })
    expect(named('onAfterResetPassword')).toHaveLength(1)
  })

  it("refuses a password the policy refuses for the user, with the reset code", async () => {
    const user = await storedUser()
    const { manager } = setup()
    const token = await manager.forgotPassword(user)
    await expect(manager.resetPassword(token, `${user.email}-1`)).rejects.toMatchObject({
      code: ErrorCode.RESET_PASSWORD_INVALID_PASSWORD,
      reason: 'Password should not contain e-mail',
    })
  })

  it('lets one of two resets with one token at once through', async () => {
    const user = await storedUser()
    const { manager, revoked, named } = setup()
    const token = await manager.forgotPassword(user)
    const outcomes = await Promise.allSettled([manager.resetPassword(token, OTHER_PASSWORD), manager.resetPassword(token, 'second-password-choice-55')])
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1)
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { code: ErrorCode.RESET_PASSWORD_BAD_TOKEN } })
    expect(revoked).toHaveLength(1)
    expect(named('onAfterResetPassword')).toHaveLength(1)
  })
})

describe('UserManager verification', () => {
  it('mints a token, calls the hook, and marks the user verified once', async () => {
    const user = await storedUser()
    const { manager, named, events } = setup()
    const token = await manager.requestVerify(user, 'ask-req')
    expect(named('onAfterRequestVerify')).toEqual([[user, token, 'ask-req']])
    const verified = await manager.verify(token, 'verify-req')
    expect(verified).toMatchObject({ id: user.id, is_verified: true })
    expect((await store.users.get(user.id))!.is_verified).toBe(true)
    expect(events).toMatchObject([{ type: 'user.verified', user_id: user.id, data: {} }])
    expect(named('onAfterVerify')).toEqual([[verified, 'verify-req']])
    await expect(manager.verify(token)).rejects.toMatchObject({ code: ErrorCode.VERIFY_USER_ALREADY_VERIFIED })
  })

  it('refuses a token that is not one, or whose email or id is not the user’s', async () => {
    const user = await storedUser()
    const other = await storedUser()
    const { manager, named } = setup()
    const sign = (sub: string, address: string) => signJwt({ sub, email: address }, verifyKeys, { audience: VERIFY_AUDIENCE, lifetimeSeconds: 3600 })
    for (const token of ['not-a-token', await sign(other.id, user.email), await sign(user.id, email('nobody'))]) {
      await expect(manager.verify(token)).rejects.toMatchObject({ code: ErrorCode.VERIFY_USER_BAD_TOKEN })
    }
    expect(named('onAfterVerify')).toEqual([])
    expect(await manager.verify(await sign(user.id.toUpperCase(), user.email))).toMatchObject({ id: user.id, is_verified: true })
  })
})

describe('UserManager.update', () => {
  /** The store, recording what each update writes. */
  function recording() {
    const writes: Array<Record<string, unknown>> = []
    const db = dbWith({
      update: async (user: UserRecord, data: Record<string, unknown>) => {
        writes.push({ ...data })
        return store.users.update(user, data as never)
      },
    })
    return { db, writes }
  }

  it('changes the password under the policy, reports it, and ends the other sessions when safe', async () => {
    const user = await storedUser()
    const { manager, named, events, revoked } = setup()
    await expect(manager.update(user, { password: `${user.email}!` }, { safe: true })).rejects.toMatchObject({
      code: ErrorCode.UPDATE_USER_INVALID_PASSWORD,
      reason: 'Password should not contain e-mail',
    })
    const updated = await manager.update(user, { password: OTHER_PASSWORD }, { safe: true, sessionToken: 'kept', request: 'req' })
    expect((await LIGHT.verifyAndUpdate(OTHER_PASSWORD, updated.hashed_password)).verified).toBe(true)
    expect(revoked).toEqual([[user.id, { except: 'kept' }]])
    expect(events).toMatchObject([{ type: 'password.changed', user_id: user.id, data: { sessions_ended: true } }])
    expect(named('onAfterUpdate')).toEqual([[updated, { password: true }, 'req']])
  })

  it('keeps the sessions on an unsafe change, or when told to', async () => {
    const user = await storedUser()
    const unsafe = setup()
    await unsafe.manager.update(user, { password: OTHER_PASSWORD })
    expect(unsafe.revoked).toEqual([])
    expect(unsafe.events).toMatchObject([{ type: 'password.changed', data: { sessions_ended: false } }])
    const keep = setup({ revokeOtherTokensOnPasswordChange: false })
    await keep.manager.update(user, { password: PASSWORD }, { safe: true })
    expect(keep.revoked).toEqual([])
    expect(keep.events).toMatchObject([{ type: 'password.changed', data: { sessions_ended: false } }])
    const explicit = setup({ revokeOtherTokensOnPasswordChange: true })
    await explicit.manager.update(user, { password: OTHER_PASSWORD }, { safe: true })
    expect(explicit.revoked).toEqual([[user.id, { except: undefined }]])
  })

  it('writes nothing for an empty change, an unchanged email, undefined values and null flags or password', async () => {
    const user = await storedUser({ is_verified: true })
    const { db, writes } = recording()
    const { manager, named, events, hasher } = setup({ db })
    const inputs = [{}, { email: user.email }, { is_active: null, is_superuser: null, is_verified: null, password: null, email: undefined, nickname: undefined }, { id: UNKNOWN_UUID, current_password: PASSWORD }]
    for (const input of inputs) expect(await manager.update(user, input)).toBe(user)
    expect(writes).toEqual([])
    expect(hasher.hashes).toBe(0)
    expect(events).toEqual([])
    expect(named('onAfterUpdate')).toStrictEqual(inputs.map(() => [user, {}, undefined]))
  })

  it('keeps application fields, a null one included, and never the id or the re-authentication', async () => {
    const user = await storedUser()
    const writes: Array<Record<string, unknown>> = []
    const db = dbWith({ update: async (target: UserRecord, data: Record<string, unknown>) => (writes.push(data), { ...target, ...data }) })
    const { manager, named } = setup({ db })
    await manager.update(user, { id: UNKNOWN_UUID, current_password: PASSWORD, nickname: 'Lance', motto: null, is_superuser: true })
    expect(writes).toEqual([{ nickname: 'Lance', motto: null, is_superuser: true }])
    expect(named('onAfterUpdate')[0]?.[1]).toEqual({ nickname: 'Lance', motto: null, is_superuser: true })
  })

  it('hands the store none of the privileged fields of a safe update', async () => {
    const user = await storedUser()
    const writes: Array<Record<string, unknown>> = []
    const db = dbWith({ update: async (target: UserRecord, data: Record<string, unknown>) => (writes.push(data), { ...target, ...data }) })
    const { manager } = setup({ db })
    const privileged = {
      id: UNKNOWN_UUID,
      hashed_password: 'x',
      is_active: false,
      is_superuser: true,
      is_verified: true,
      oauth_accounts: [{ oauth_name: 'github', account_id: '1', account_email: user.email, access_token: 't' }],
    }
    await manager.update(user, { ...privileged, nickname: 'Lance' }, { safe: true })
    expect(writes).toStrictEqual([{ nickname: 'Lance' }])
  })

  it('unverifies a new email, reports it, and tells the previous address', async () => {
    const sent: MailMessage[] = []
    const mailer = new Mailer({
      transport: { sendMail: async (message) => sent.push(message) },
      from: 'no-reply@example.com',
      appName: 'Camelot',
      links: { verify: (token) => `https://camelot.bt/verify/${token}`, resetPassword: (token) => `https://camelot.bt/reset/${token}` },
    })
    const user = await storedUser({ is_verified: true })
    const { manager, named, events, revoked } = setup({ mailer })
    const next = email('moved')
    const updated = await manager.update(user, { email: next }, { safe: true, request: 'req' })
    expect(updated).toMatchObject({ email: next, is_verified: false })
    expect(named('onAfterUpdate')).toEqual([[updated, { email: next, is_verified: false }, 'req']])
    expect(events).toMatchObject([{ type: 'email.changed', user_id: user.id, data: { previous_email: user.email, email: next } }])
    expect(sent.map((message) => message.to)).toEqual([user.email])
    // No password changed: the sessions stay.
    expect(revoked).toEqual([])
    // The mailer's hooks replace the application's: its links go out after them.
    await manager.requestVerify(updated)
    expect(sent.map((message) => message.to)).toEqual([user.email, next])
    expect(named('onAfterRequestVerify')).toHaveLength(1)
  })

  it('keeps the verification and sends no notice when only the letter case changes', async () => {
    const sent: MailMessage[] = []
    const mailer = new Mailer({
      transport: { sendMail: async (message) => sent.push(message) },
      from: 'no-reply@example.com',
      appName: 'Camelot',
      links: { verify: (token) => token, resetPassword: (token) => token },
    })
    const user = await storedUser({ is_verified: true })
    const lookups: string[] = []
    const { manager, named } = setup({ mailer, db: dbWith({ getByEmail: async (address: string) => (lookups.push(address), store.users.getByEmail(address)) }) })
    const upper = user.email.toUpperCase()
    const updated = await manager.update(user, { email: upper }, { safe: true })
    expect(updated).toMatchObject({ email: upper, is_verified: true })
    expect(lookups).toEqual([])
    expect(named('onAfterUpdate')[0]?.[1]).toEqual({ email: upper })
    expect(sent).toEqual([])
  })

  it('refuses an email another user has, and lets an unsafe update verify a new one', async () => {
    const user = await storedUser()
    const other = await storedUser()
    let writes = 0
    const { manager } = setup({ db: dbWith({ update: (target: UserRecord, data: never) => (writes++, store.users.update(target, data)) }) })
    await expect(manager.update(user, { email: other.email.toUpperCase() })).rejects.toMatchObject({ code: ErrorCode.UPDATE_USER_EMAIL_ALREADY_EXISTS })
    // Refused on the lookup: nothing is written.
    expect(writes).toBe(0)
    const next = email()
    expect(await manager.update(user, { email: next, is_verified: true })).toMatchObject({ email: next, is_verified: true })
  })

  it("maps the store's duplicate errors to the update codes and lets others through", async () => {
    const user = await storedUser()
    const failure = new Error('disk full')
    const cases: Array<[unknown, Record<string, unknown> | Error]> = [
      [new DuplicateEmailError(), { code: ErrorCode.UPDATE_USER_EMAIL_ALREADY_EXISTS }],
      [new DuplicateUsernameError(), { code: 'UPDATE_USER_USERNAME_ALREADY_EXISTS' }],
      [failure, failure],
    ]
    for (const [thrown, expected] of cases) {
      const db = dbWith({
        update: async () => {
          throw thrown
        },
      })
      const { manager, named } = setup({ db })
      const attempt = manager.update(user, { nickname: 'x' })
      if (expected instanceof Error) await expect(attempt).rejects.toBe(expected)
      else await expect(attempt).rejects.toMatchObject(expected)
      expect(named('onAfterUpdate')).toEqual([])
    }
  })

  it('sets and removes a username with usernames on, and reports it', async () => {
    const user = await storedUser()
    const { manager, named } = setup({ usernames: true })
    const name = `gawain${++counter}`
    const named1 = await manager.update(user, { username: name })
    expect(named1).toMatchObject({ username: name })
    const removed = await manager.update(named1, { username: null })
    expect(removed.username ?? null).toBeNull()
    expect(named('onAfterUpdate').map((call) => call[1])).toEqual([{ username: name }, { username: null }])
    const off = setup()
    expect(await off.manager.update(user, { username: 'ignored' })).toBe(user)
  })
})

describe('UserManager without hooks', () => {
  it('runs every operation with no hook, revoker or mailer configured', async () => {
    const manager = new UserManager({ db: store.users, passwordHelper: LIGHT, ...secrets })
    const user = await manager.create({ email: email(), password: PASSWORD })
    const reset = await manager.resetPassword(await manager.forgotPassword(user), OTHER_PASSWORD)
    expect((await LIGHT.verifyAndUpdate(OTHER_PASSWORD, reset.hashed_password)).verified).toBe(true)
    expect(await manager.verify(await manager.requestVerify(reset))).toMatchObject({ id: user.id, is_verified: true })
    expect(await manager.update(reset, { email: email('moved') })).toMatchObject({ id: user.id, is_verified: false })
    await manager.delete(reset)
    expect(await store.users.get(user.id)).toBeNull()
  })
})

describe('UserManager.delete and revokeAllTokens', () => {
  it('deletes between the hooks, ends every token of every revoker and audits', async () => {
    const user = await storedUser()
    const order: string[] = []
    const second: string[] = []
    const { manager, events, revoked } = setup({
      onBeforeDelete: async (target) => {
        order.push(`before: stored=${(await store.users.get(target.id)) !== null}`)
      },
      onAfterDelete: async (target, request) => {
        order.push(`after: stored=${(await store.users.get(target.id)) !== null} ${request}`)
      },
    })
    const revokers = [
      { revokeAllTokens: async (id: string, options?: RevokeOptions) => void revoked.push([id, options]) },
      { revokeAllTokens: async (id: string) => void second.push(id) },
    ]
    const both = new UserManager<UserRecord, string>({ db: store.users, passwordHelper: LIGHT, ...secrets, tokenRevokers: revokers })
    await both.revokeAllTokens(user, { except: 'kept' })
    expect(revoked).toEqual([[user.id, { except: 'kept' }]])
    expect(second).toEqual([user.id])
    await new UserManager({ db: store.users, ...secrets }).revokeAllTokens(user)

    revoked.length = 0
    await manager.delete(user, 'req')
    expect(order).toEqual(['before: stored=true', 'after: stored=false req'])
    expect(revoked).toEqual([[user.id, { userDeleted: true }]])
    expect(events).toMatchObject([{ type: 'user.deleted', user_id: user.id, data: {} }])
  })
})
