/**
 * fastify-users' SQL adapter: SQLite, PostgreSQL and MySQL/MariaDB through Kysely, on the
 * layout of FastAPI Users (CONTRACT §16.2), so that one database can serve both.
 *
 * @example
 * ```ts
 * import { openUserDatabase } from 'fastify-users/kysely'
 *
 * const store = await openUserDatabase(process.env.DATABASE_URL ?? 'sqlite://./users.db', {
 *   fields: { nickname: { type: 'text' }, newsletter: { type: 'boolean', nullable: false, default: false } },
 * })
 * ```
 */
export { foldEmail as asciiLower } from '../../email.ts'
export { EmailCaseCollisionError, FieldDefinitionError } from '../errors.ts'
export type { FieldDefinition, FieldDefinitions, FieldType, FieldValues } from '../fields.ts'
export { KyselyAccessTokenDatabase } from './access-token-database.ts'
export { postgresInvalidationChannel, type PostgresInvalidationChannelOptions } from './invalidation-channel.ts'
export { MigrationLockError, ReadReplicaUnsupportedError, UnsupportedDatabaseUrlError } from './errors.ts'
export { migrate } from './migrate.ts'
export type { MigrateOptions } from './migrate.ts'
export { kyselyUserDatabase, mysqlUserDatabase, postgresUserDatabase, sqliteUserDatabase } from './open.ts'
export type {
  KyselyStoreOptions,
  KyselyUserStore,
  MysqlStoreOptions,
  PostgresStoreOptions,
  SqliteStoreOptions,
  StoreOptions,
  UserWithFields,
} from './open.ts'
export type { SqliteCacheOptions } from '../sql/sqlite-cache.ts'
export type { AccessTokenTable, OAuthAccountTable, SqlDialect, UserTable, UserTables } from './schema.ts'
export { KyselyRefreshTokenStore, type KyselyRefreshTokenStoreOptions } from './refresh-token-store.ts'
export { KyselyRevocationStore, type KyselyRevocationStoreOptions } from './revocation-store.ts'
export { KyselyAuditStore, type KyselyAuditStoreOptions } from './audit-store.ts'
export { KyselyMagicLinkStore, type KyselyMagicLinkStoreOptions } from './magic-link-store.ts'
export { KyselyPasskeyStore, type KyselyPasskeyStoreOptions } from './passkey-store.ts'
export { KyselySessionStore, type KyselySessionStoreOptions } from './session-store.ts'
export { KyselyTwoFactorStore, type KyselyTwoFactorStoreOptions } from './two-factor-store.ts'
export { KyselyApiKeyStore, type KyselyApiKeyStoreOptions } from './api-key-store.ts'
export type { MysqlPoolSettings, PostgresPoolSettings } from './pool-settings.ts'
export { openUserDatabase, type UrlStoreOptions } from './url.ts'
export { KyselyUserDatabase, type KyselyUserDatabaseOptions } from './user-database.ts'
