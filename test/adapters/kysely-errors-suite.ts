/**
 * The Kysely adapter's refused writes, run on each SQL database: the driver's error reaches the
 * application (its class and code intact) without the values of the query, which PostgreSQL
 * quotes in `detail` and MySQL in `sql` and in some messages (src/db/sql/driver-error.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KyselyUserStore } from '../../src/db/kysely/index.ts'
import type { TestDatabaseFactory, TestDatabase } from './databases.ts'
import { expectNoValues, rejection } from './error-values.ts'
import { newUser } from './suite.ts'

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LXNhbHQ$c2VjcmV0LWhhc2gtdmFsdWUtbm90LWluLWxvZ3M'
const TOKEN = 'secret-access-token-not-for-any-log-0123456'

export function kyselyDriverErrorSuite(name: string, factory: TestDatabaseFactory): void {
  describe(`${name}: driver errors`, () => {
    let database: TestDatabase
    let store: KyselyUserStore
    beforeEach(async () => {
      database = await factory()
      store = await database.open()
    })
    afterEach(async () => {
      await store.destroy()
      await database.drop()
    })

    it('refuses a NOT NULL violation beside a new password hash without quoting the hash', async () => {
      const user = await store.users.create(newUser('tristan@cornwall.bt'))
      const error = await rejection(store.users.update(user, { hashed_password: HASH, is_active: null } as never))
      expect(error).toHaveProperty('code')
      expect(error.message).toMatch(/is_active/)
      expectNoValues(error, [HASH])
      expect((await store.users.get(user.id))?.hashed_password).toBe(user.hashed_password)
    })

    it('refuses a taken access token without quoting the token, still naming the key', async () => {
      const user = await store.users.create(newUser('isolde@cornwall.bt'))
      await store.accessTokens.create({ token: TOKEN, user_id: user.id, created_at: new Date() })
      const error = await rejection(store.accessTokens.create({ token: TOKEN, user_id: user.id, created_at: new Date() }))
      // The refused key is still named (the adapter reads it to tell a taken email).
      expect(error.message).toMatch(/accesstoken\.token$|"accesstoken_pkey"$|for key '(accesstoken\.)?PRIMARY'$/)
      expectNoValues(error, [TOKEN])
    })
  })
}
