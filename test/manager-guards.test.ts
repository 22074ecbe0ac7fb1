/**
 * UserManager's guards, called directly rather than through the routes' schemas: a `safe`
 * update (a user acting on itself) ignores every privileged field, and of two concurrent email
 * changes to one address exactly one wins, even when both pass the lookup before either writes
 * (the database's unique index decides, and the loser gets the wire error code).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode, PasswordHelper, UserManager, type UserRecord } from '../src/index.ts'
import { sqliteUserDatabase, type KyselyUserStore } from '../src/db/kysely/index.ts'
import { uniqueEmail } from './support/app.ts'

const passwordHelper = new PasswordHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1 })
const secrets = { resetPasswordTokenSecret: 'r'.repeat(32), verificationTokenSecret: 'v'.repeat(32) }

let store: KyselyUserStore
beforeAll(async () => {
  store = await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-guards-')), 'users.db') })
})
afterAll(() => store.destroy())

describe('UserManager guards', () => {
  it('ignores id, hashed_password, the flags and oauth_accounts in a safe update, and applies the rest', async () => {
    const manager = new UserManager({ db: store.users, passwordHelper, ...secrets })
    const user = await manager.create({ email: uniqueEmail(), password: 'a-good-password' })
    const other = await manager.create({ email: uniqueEmail(), password: 'a-good-password' })
    const newEmail = uniqueEmail()
    const privileged = {
      id: other.id,
      hashed_password: other.hashed_password,
      is_active: false,
      is_superuser: true,
      is_verified: true,
      oauth_accounts: [{ oauth_name: 'github', account_id: '1', account_email: newEmail, access_token: 't' }],
    }
    const updated = await manager.update(user, { ...privileged, email: newEmail } as never, { safe: true })
    const stored = (await store.users.get(user.id))!
    for (const result of [updated, stored]) {
      expect(result).toMatchObject({ id: user.id, email: newEmail, hashed_password: user.hashed_password, is_active: true, is_superuser: false, is_verified: false })
    }
    expect(await store.users.getByOAuthAccount('github', '1')).toBeNull()
    expect((await store.users.get(other.id))!.email).toBe(other.email)
    // The same input, unsafe, sets the flags and the hash: the guard above is what held them.
    const unsafe = await manager.update(stored, { hashed_password: other.hashed_password, is_superuser: true })
    expect(unsafe).toMatchObject({ hashed_password: other.hashed_password, is_superuser: true })
  })

  it('lets exactly one of two concurrent email changes to one address win, when both pass the lookup', async () => {
    // Both lookups answer before either update writes: the race the lookup alone cannot close.
    let waiting: Array<() => void> = []
    const db = new Proxy(store.users, {
      get(target, property, receiver) {
        // Bound to the store itself, whose methods read its private fields.
        if (property !== 'getByEmail') {
          const value = Reflect.get(target, property, receiver) as unknown
          return typeof value === 'function' ? value.bind(target) : value
        }
        return async (email: string) => {
          const found = await target.getByEmail(email)
          await new Promise<void>((resolve) => {
            waiting.push(resolve)
            if (waiting.length === 2) {
              for (const release of waiting) release()
              waiting = []
            }
          })
          return found
        }
      },
    })
    const manager = new UserManager<UserRecord>({ db, passwordHelper, ...secrets })
    const [a, b] = [await store.users.create(await newUserData()), await store.users.create(await newUserData())]
    const target = uniqueEmail()
    const outcomes = await Promise.allSettled([manager.update(a, { email: target }, { safe: true }), manager.update(b, { email: target }, { safe: true })])
    const won = outcomes.filter((o) => o.status === 'fulfilled')
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(lost[0]!.reason).toMatchObject({ code: ErrorCode.UPDATE_USER_EMAIL_ALREADY_EXISTS })
    const winner = (won[0] as PromiseFulfilledResult<UserRecord>).value
    expect((await store.users.getByEmail(target))!.id).toBe(winner.id)
    const loser = winner.id === a.id ? b : a
    expect((await store.users.get(loser.id))!.email).toBe(loser.email)
  })
})

async function newUserData() {
  return { email: uniqueEmail(), hashed_password: await passwordHelper.hash('a-good-password'), is_active: true, is_superuser: false, is_verified: false }
}
