/**
 * fastify-users on Drizzle ORM (SQLite and PostgreSQL). The application declares FastAPI Users'
 * tables with these column helpers, adding its own columns, creates them with drizzle-kit's
 * migrations, and hands its Drizzle database and tables to `drizzleUserDatabase`. The extra
 * columns of the user table are the custom user fields.
 *
 * @example
 * ```ts
 * import { drizzle } from 'drizzle-orm/node-postgres'
 * import { pgTable, text } from 'drizzle-orm/pg-core'
 * import { drizzleUserDatabase, pgUserColumns, pgUserIndexes } from 'fastify-users/drizzle'
 *
 * export const user = pgTable('user', { ...pgUserColumns(), first_name: text('first_name') }, pgUserIndexes)
 * const { users } = drizzleUserDatabase({ db: drizzle(process.env.DATABASE_URL!), tables: { user } })
 * ```
 */
export { DrizzleAccessTokenDatabase } from './access-token-database.ts'
export { pgAccessTokenTable, pgOAuthAccountTable, pgUserColumns, pgUserIndexes, pgUserRoleTable } from './columns-pg.ts'
export { sqliteAccessTokenTable, sqliteOAuthAccountTable, sqliteUserColumns, sqliteUserIndexes, sqliteUserRoleTable } from './columns-sqlite.ts'
export type { DrizzleDatabase } from './dialect.ts'
export { DrizzleSchemaError } from './errors.ts'
export { drizzleUserDatabase } from './store.ts'
export { setSqliteCache, type SqliteCacheOptions } from '../sql/sqlite-cache.ts'
export type { DrizzleStoreOptions, DrizzleUser, DrizzleUserStore } from './store.ts'
export type { AccessTokenTable, DrizzleUserTables, OAuthAccountTable, UserRoleTable, UserTable } from './tables.ts'
export { USER_ROLE_TABLE_NAME } from './tables.ts'
export { DrizzleUserDatabase } from './user-database.ts'
export { DrizzleTwoFactorStore, type DrizzleTwoFactorStoreOptions } from './two-factor-store.ts'
export {
  pgMagicLinkTable,
  pgSessionTable,
  pgTwoFactorTable,
  sqliteMagicLinkTable,
  sqliteSessionTable,
  sqliteTwoFactorTable,
  type MagicLinkTable,
  type SessionTable,
  type TwoFactorTable,
} from './account-tables.ts'
export { DrizzleSessionStore, type DrizzleSessionStoreOptions } from './session-store.ts'
export { DrizzleMagicLinkStore, type DrizzleMagicLinkStoreOptions } from './magic-link-store.ts'
export { pgPasskeyTables, sqlitePasskeyTables, PASSKEY_TABLE_NAME, PASSKEY_CHALLENGE_TABLE_NAME, type PasskeyTables } from './passkey-tables.ts'
export { DrizzlePasskeyStore, type DrizzlePasskeyStoreOptions } from './passkey-store.ts'
export { pgApiKeyTable, sqliteApiKeyTable, type ApiKeyTable } from './api-key-table.ts'
export { DrizzleApiKeyStore, type DrizzleApiKeyStoreOptions } from './api-key-store.ts'
export { pgAuditTable, sqliteAuditTable, type AuditTable } from './audit-table.ts'
export { DrizzleAuditStore, type DrizzleAuditStoreOptions } from './audit-store.ts'
