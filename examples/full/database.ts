/**
 * The example's database, from DATABASE_URL: SQLite, PostgreSQL or MySQL/MariaDB through the
 * Kysely adapter, MongoDB through the MongoDB adapter. Each brings, besides the users, the
 * shared and durable places where sessions keep their state (JWT logouts, refresh tokens), so
 * several instances on one database behave as one service and no cache loss undoes a logout. The MongoDB adapter is
 * imported only for a `mongodb://` URL, so that an application on SQL need not install the
 * `mongodb` driver.
 */
import type { AccessTokenDatabase, ApiKeyStore, AuditStore, InvalidationChannel, PasskeyStore, RefreshTokenStore, RevocationStore, SessionStore, TwoFactorStore, User, UserDatabase } from 'fastify-users'
import { KyselyApiKeyStore, KyselyAuditStore, KyselyPasskeyStore, KyselyRefreshTokenStore, KyselyRevocationStore, KyselySessionStore, KyselyTwoFactorStore, openUserDatabase, postgresInvalidationChannel } from 'fastify-users/kysely'

export interface ExampleStore {
  users: UserDatabase<User>
  accessTokens: AccessTokenDatabase
  /**
   * Where JWT logouts are kept: the database itself, their durable source of truth; `null`
   * (a database without a revocation store): this process's memory only.
   */
  revocation: RevocationStore | null
  /** Where refresh tokens are kept; `null`: refresh tokens are not available. */
  refreshTokens: RefreshTokenStore | null
  /** Where passkeys are kept (PASSKEYS=on); `null`: passkeys are not available. */
  passkeys: PasskeyStore | null
  /** Where TOTP secrets and recovery codes are kept (TWO_FACTOR_KEY); `null`: two-factor is not available. */
  twoFactor: TwoFactorStore | null
  /** Where the sessions users list and end are recorded (docs/sessions.md); `null`: not recorded. */
  sessions: SessionStore | null
  /** Where the security events superusers read (GET /users/{id}/events) are kept; `null`: not kept. */
  audit: AuditStore | null
  /** Where API keys are kept (API_KEYS=on, docs/api-keys.md); `null`: API keys are not available. */
  apiKeys: ApiKeyStore | null
  /**
   * How the database itself tells instances of writes, for the auth cache (AUTH_CACHE):
   * PostgreSQL's LISTEN/NOTIFY; `null` where the database has none (the cache then only expires).
   */
  cacheChannel: (() => InvalidationChannel) | null
  /** One round trip to the database, for /health/ready. */
  ping(): Promise<void>
  destroy(): Promise<void>
}

/**
 * Opens (and migrates) the database of a `sqlite://`, `postgres://`, `mysql://` or
 * `mongodb://` URL; `readUrl`, a read replica of a SQL one, serves the reads that tolerate lag.
 *
 * @example
 * const store = await openExampleStore('sqlite://./users.db')
 */
export async function openExampleStore(url: string, readUrl: string | null = null): Promise<ExampleStore> {
  if (/^mongodb(\+srv)?:\/\//i.test(url)) {
    const { MongoApiKeyStore, MongoAuditStore, MongoPasskeyStore, MongoRefreshTokenStore, MongoRevocationStore, MongoSessionStore, MongoTwoFactorStore, openMongoUserDatabase } = await import('fastify-users/mongodb')
    const store = await openMongoUserDatabase(url)
    return {
      users: store.users,
      accessTokens: store.accessTokens,
      revocation: new MongoRevocationStore({ db: store.db }),
      refreshTokens: new MongoRefreshTokenStore({ db: store.db }),
      passkeys: new MongoPasskeyStore({ db: store.db }),
      twoFactor: new MongoTwoFactorStore({ db: store.db }),
      sessions: new MongoSessionStore({ db: store.db }),
      audit: new MongoAuditStore({ db: store.db }),
      apiKeys: new MongoApiKeyStore({ db: store.db }),
      cacheChannel: null,
      ping: () => store.ping(),
      destroy: () => store.destroy(),
    }
  }
  const store = await openUserDatabase(url, readUrl === null ? {} : { readUrl })
  return {
    users: store.users,
    accessTokens: store.accessTokens,
    revocation: new KyselyRevocationStore({ db: store.db, dialect: store.dialect }),
    refreshTokens: new KyselyRefreshTokenStore({ db: store.db }),
    passkeys: new KyselyPasskeyStore({ db: store.db, dialect: store.dialect }),
    twoFactor: new KyselyTwoFactorStore({ db: store.db, dialect: store.dialect }),
    sessions: new KyselySessionStore({ db: store.db }),
    audit: new KyselyAuditStore({ db: store.db }),
    apiKeys: new KyselyApiKeyStore({ db: store.db }),
    cacheChannel: store.dialect === 'postgres' ? () => postgresInvalidationChannel({ connectionString: url, db: store.db }) : null,
    ping: () => store.ping(),
    destroy: () => store.destroy(),
  }
}
