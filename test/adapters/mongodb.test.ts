/**
 * The adapter suite on MongoDB (MONGODB_URL, or the in-process CongoDB stand-in of
 * test/support/mongo-server.ts), each store in a scratch database, and what is MongoDB's own:
 * the Beanie layout on disk, opening a FastAPI Users collection, the ids it refuses, and caller
 * input that must not become a query operator.
 */
import { MongoClient, MongoServerError, ObjectId, UUID, type Collection, type Db, type Document } from 'mongodb'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  MongoAuditStore,
  MongoMagicLinkStore,
  MongoPasskeyStore,
  MongoApiKeyStore,
  MongoSessionStore,
  MongoTwoFactorStore,
  EmailCaseCollisionError,
  FieldDefinitionError,
  MongoConfigurationError,
  UnsupportedUserIdError,
  mongoUserDatabase,
  openMongoUserDatabase,
  type FieldDefinitions,
} from '../../src/db/mongodb/index.ts'
import { duplicateKey } from '../../src/db/mongodb/duplicate-key.ts'
import { withoutDocumentValues } from '../../src/db/mongodb/server-error.ts'
import { scratchDatabaseName, startMongoTestServer, type MongoTestServer } from '../support/mongo-server.ts'
import { expectNoValues, rejection } from './error-values.ts'
import { adapterSuite, newUser, UUID as UUID_PATTERN } from './suite.ts'

const server = await startMongoTestServer()
afterAll(() => server?.stop())

/** `url` with its path naming `database` ('' for none). */
function withDatabase(url: string, database: string): string {
  const [, authority, query] = /^(mongodb(?:\+srv)?:\/\/[^/?#]*)(?:\/[^?#]*)?(.*)$/.exec(url) ?? []
  return `${authority ?? url}/${database}${query ?? ''}`
}

function freshStore(target: MongoTestServer) {
  return async (options: { fields?: FieldDefinitions }) => {
    const store = await mongoUserDatabase({ url: target.url, database: scratchDatabaseName(), fields: options.fields })
    return {
      users: store.users,
      accessTokens: store.accessTokens,
      twoFactor: new MongoTwoFactorStore({ db: store.db }),
      magicLinks: new MongoMagicLinkStore({ db: store.db }),
      passkeys: new MongoPasskeyStore({ db: store.db }),
      apiKeys: new MongoApiKeyStore({ db: store.db }),
      sessions: new MongoSessionStore({ db: store.db }),
      audit: new MongoAuditStore({ db: store.db }),
      destroy: async () => {
        await store.db.dropDatabase()
        await store.destroy()
      },
    }
  }
}

describe.skipIf(server === null)('mongodb', () => {
  // Without a server the tests are registered and skipped, so they need a name only.
  const target: MongoTestServer = server ?? { url: '', kind: 'mongodb', uniqueIndexes: true, stop: async () => {} }
  adapterSuite(`mongodb (${target.kind})`, freshStore(target), {
    uniqueIndexesUnenforced: target.uniqueIndexes ? undefined : `${target.kind === 'mongodb' ? 'the server' : 'the MongoDB stand-in'} accepted a duplicate under a unique index`,
  })

  describe(`mongodb (${target.kind}): storage details`, () => {
    let client: MongoClient
    let db: Db
    beforeEach(async () => {
      client = new MongoClient(target.url)
      db = client.db(scratchDatabaseName())
    })
    afterEach(async () => {
      await db.dropDatabase()
      await client.close()
    })
    const open = (fields?: FieldDefinitions) => mongoUserDatabase({ client, database: db.databaseName, fields })
    /** The users collection behind the adapter's back, its ids of any type. */
    const rawUsers = (): Collection<Document & { _id: UUID | ObjectId }> => db.collection('User')

    it('stores users and tokens in the layout of Beanie with UUID ids', async () => {
      const store = await open({ nickname: { type: 'text' } })
      const user = await store.users.create(newUser('King.Arthur@camelot.bt', { nickname: 'Art' }))
      const linked = await store.users.addOAuthAccount(user, {
        oauth_name: 'google', access_token: 'at', expires_at: 1_900_000_000, refresh_token: null,
        account_id: '42', account_email: 'a@g.example',
      })
      const created_at = new Date('2024-05-06T07:08:09.123Z')
      await store.accessTokens.create({ token: 'tok', user_id: user.id, created_at })

      const document = await db.collection('User').findOne({})
      expect(Object.keys(document ?? {})).toEqual([
        '_id', 'email', 'hashed_password', 'is_active', 'is_superuser', 'is_verified', 'nickname', 'oauth_accounts', 'email_key',
        'created_at',
      ])
      expect(document?.['created_at']).toBeInstanceOf(Date)
      expect(document?._id).toEqual(new UUID(user.id))
      expect((document?._id as unknown as UUID).sub_type).toBe(4)
      expect(document).toMatchObject({ email: 'King.Arthur@camelot.bt', email_key: 'king.arthur@camelot.bt', nickname: 'Art' })
      expect(document?.['oauth_accounts']).toEqual([{
        id: new UUID(linked.id), oauth_name: 'google', access_token: 'at', account_id: '42', account_email: 'a@g.example',
        expires_at: 1_900_000_000, refresh_token: null,
      }])
      const token = await db.collection('AccessToken').findOne({})
      expect(token?._id).toBeInstanceOf(ObjectId)
      expect(token).toMatchObject({ token: 'tok', user_id: new UUID(user.id), created_at })

      const indexes = async (name: string) =>
        (await db.collection(name).listIndexes().toArray()).map((index) => [index['name'], index['unique'] ?? false])
      expect(await indexes('User')).toEqual(expect.arrayContaining([
        ['ux_email_key', true], ['ix_oauth_accounts', false], ['ix_roles_email_key', false], ['ix_roles_created_at', false],
        ['ix_is_active_email_key', false], ['ix_is_active_created_at', false], ['ix_is_verified_email_key', false],
        ['ix_is_verified_created_at', false], ['ix_is_superuser_email_key', false], ['ix_is_superuser_created_at', false],
      ]))
      expect(await indexes('AccessToken')).toEqual(expect.arrayContaining([['token_1', true], ['user_id_1', false]]))
      await store.destroy()
      // The application's client stays open.
      expect(await db.collection('User').countDocuments()).toBe(1)
    })

    it('opens a FastAPI Users collection as is, adding email_key and the indexes', async () => {
      const admin = new UUID()
      const mixed = new UUID()
      await rawUsers().insertMany([
        { _id: admin, email: 'admin@example.com', hashed_password: '$2b$12$x', is_active: true, is_superuser: true, is_verified: true },
        { _id: mixed, email: 'Mixed.Case@example.com', hashed_password: '$argon2id$x', is_active: false, oauth_accounts: [
          {
            id: new ObjectId('6b09e871b4285ee131bbd859'),
            oauth_name: 'github', access_token: 'old', account_id: '7', account_email: 'm@gh.example',
          },
        ] },
      ])
      await db.collection('AccessToken').createIndex({ token: 1 }, { unique: true })
      await db.collection('AccessToken').insertOne({ token: 'python-issued', user_id: admin, created_at: new Date() })

      const store = await open()
      expect(await store.users.get(admin.toHexString())).toEqual({
        id: admin.toHexString(), email: 'admin@example.com', is_active: true, is_superuser: true, is_verified: true,
        hashed_password: '$2b$12$x',
      })
      const user = await store.users.getByEmail('MIXED.case@example.com')
      expect(user).toMatchObject({ id: mixed.toHexString(), is_active: false, is_superuser: false, is_verified: false })
      expect((await rawUsers().findOne({ _id: mixed }))?.['email_key']).toBe('mixed.case@example.com')
      expect((await store.accessTokens.getByToken('python-issued'))?.user_id).toBe(admin.toHexString())

      // An account Beanie linked keeps its ObjectId id, and can be updated by it.
      const [account] = await store.users.listOAuthAccounts(user!)
      expect(account).toMatchObject({ id: '6b09e871b4285ee131bbd859', expires_at: null, refresh_token: null })
      expect(await store.users.updateOAuthAccount(account!, { access_token: 'new' })).toEqual({ ...account, access_token: 'new' })
      expect((await store.users.getByOAuthAccount('github', '7'))?.id).toBe(mixed.toHexString())
      await store.destroy()
    })

    it("refuses Beanie's default ObjectId ids, naming no user", async () => {
      await rawUsers().insertOne({ _id: new ObjectId(), email: 'beanie@example.com', hashed_password: 'h' })
      const refusal = open()
      await expect(refusal).rejects.toBeInstanceOf(UnsupportedUserIdError)
      await expect(refusal).rejects.toThrow(/of type ObjectId/)
      await expect(refusal).rejects.not.toThrow(/beanie@example/)
    })

    it('refuses emails that collide in ASCII letter case, naming them, until they are resolved', async () => {
      await rawUsers().insertMany([
        { _id: new UUID(), email: 'Mixed.Case@example.com', hashed_password: 'h' },
        { _id: new UUID(), email: 'mixed.case@example.com', hashed_password: 'h' },
        { _id: new UUID(), email: 'Élodie@example.com', hashed_password: 'h' },
        { _id: new UUID(), email: 'élodie@example.com', hashed_password: 'h' },
      ])
      const refusal = open()
      await expect(refusal).rejects.toBeInstanceOf(EmailCaseCollisionError)
      const error = (await refusal.catch((e: unknown) => e)) as EmailCaseCollisionError
      expect(error.collisions).toEqual([['Mixed.Case@example.com', 'mixed.case@example.com']])
      await rawUsers().deleteOne({ email: 'mixed.case@example.com' })
      const store = await open()
      expect((await store.users.getByEmail('MIXED.CASE@example.com'))?.email).toBe('Mixed.Case@example.com')
      await store.destroy()
    })

    it('keeps caller input out of query operators', async () => {
      const store = await open()
      const user = await store.users.create(newUser('victim@example.com'))
      await store.accessTokens.create({ token: 'secret-token', user_id: user.id, created_at: new Date() })
      await store.users.addOAuthAccount(user, {
        oauth_name: 'google', access_token: 't', expires_at: null, refresh_token: null,
        account_id: '1', account_email: 'v@g.example',
      })
      const operator = { $ne: null } as never
      expect(await store.users.getByEmail(operator)).toBeNull()
      expect(await store.users.get(operator)).toBeNull()
      expect(await store.users.getByOAuthAccount(operator, operator)).toBeNull()
      expect(await store.accessTokens.getByToken(operator)).toBeNull()
      expect(await store.accessTokens.getByToken({ $gt: '' } as never)).toBeNull()
      await store.accessTokens.delete(operator)
      expect(await store.accessTokens.deleteAllForUser(operator)).toBe(0)
      expect(await store.accessTokens.getByToken('secret-token')).not.toBeNull()
      await expect(store.users.create(newUser({ $gt: '' } as never))).rejects.toThrow(TypeError)
      expect(await store.users.updatePassword(user, operator, 'taken-over')).toBeNull()
      await expect(store.users.updatePassword(user, user.hashed_password, operator)).rejects.toThrow(TypeError)
      expect((await store.users.get(user.id))?.hashed_password).toBe(user.hashed_password)
      await store.destroy()
    })

    const itWithUniqueIndex = target.uniqueIndexes ? it : it.skip
    itWithUniqueIndex('refuses a taken access token without quoting the token', async () => {
      const store = await open()
      const user = await store.users.create(newUser('tokens@example.com'))
      const token = 'secret-access-token-not-for-any-log-0123456'
      await store.accessTokens.create({ token, user_id: user.id, created_at: new Date() })
      const error = await rejection(store.accessTokens.create({ token, user_id: user.id, created_at: new Date() }))
      expect(error).toBeInstanceOf(MongoServerError)
      expect(duplicateKey(error)?.fields).toEqual(['token'])
      expectNoValues(error, [token])
      await store.destroy()
    })

    it('refuses field declarations it cannot honour', async () => {
      for (const fields of [{ email_key: { type: 'text' } }, { $where: { type: 'text' } }, { 'a.b': { type: 'text' } },
        { count: { type: 'integer', default: 1.5 } }] as FieldDefinitions[]) {
        await expect(open(fields)).rejects.toBeInstanceOf(FieldDefinitionError)
      }
    })

    it('opens a store from a URL naming the database, with collection names of its own', async () => {
      const url = withDatabase(target.url, db.databaseName)
      const store = await openMongoUserDatabase(url, { usersCollection: 'users', accessTokensCollection: 'tokens' })
      const user = await store.users.create(newUser('url@example.com'))
      expect(user.id).toMatch(UUID_PATTERN)
      expect(await db.collection('users').countDocuments()).toBe(1)
      await store.destroy()
      await expect(openMongoUserDatabase(withDatabase(target.url, ''))).rejects.toBeInstanceOf(MongoConfigurationError)
      await expect(openMongoUserDatabase('postgres://localhost/app')).rejects.toBeInstanceOf(MongoConfigurationError)
    })
  })
})

describe('mongodb: duplicate-key errors', () => {
  it('names the refused index from keyPattern (MongoDB 4.2+) or from the message (older servers)', () => {
    const message = 'E11000 duplicate key error collection: app.User index: ux_email_key dup key: { email_key: "a@x.io" }'
    expect(duplicateKey(new MongoServerError({ code: 11000, errmsg: message, keyPattern: { email_key: 1 } }))).toEqual({
      fields: ['email_key'], index: 'ux_email_key',
    })
    expect(duplicateKey(new MongoServerError({ code: 11000, errmsg: message }))).toEqual({ fields: [], index: 'ux_email_key' })
    expect(duplicateKey(new MongoServerError({ code: 121, errmsg: 'Document failed validation' }))).toBeNull()
    expect(duplicateKey(new Error('E11000 duplicate key error index: ux_email_key dup key'))).toBeNull()
  })
})

describe('mongodb: server errors without the written values', () => {
  it('drops the values a duplicate key or validation error quotes, keeping the refused index', () => {
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LXNhbHQ$c2VjcmV0LWhhc2gtdmFsdWUtbm90LWluLWxvZ3M'
    const email = 'secret.person@example.com'
    const errmsg = `E11000 duplicate key error collection: app.User index: ux_app dup key: { email: "${email}", hashed_password: "${hash}" }`
    // As the driver builds it from a write error: the reply's fields copied onto the error, and kept whole.
    const error = new MongoServerError({
      code: 11000,
      errmsg,
      keyPattern: { email: 1, hashed_password: 1 },
      keyValue: { email, hashed_password: hash },
      errInfo: { details: { consideredValue: hash } },
    })
    expect(JSON.stringify(error)).toContain(hash)
    expect(withoutDocumentValues(error)).toBe(error)
    expectNoValues(error, [hash, email])
    expect(error.code).toBe(11000)
    expect(duplicateKey(error)).toEqual({ fields: ['email', 'hashed_password'], index: 'ux_app' })
    expect(error.message).toBe('E11000 duplicate key error collection: app.User index: ux_app dup key: { … }')
    const other = new Error('not from the server')
    expect(withoutDocumentValues(other)).toBe(other)
  })
})
