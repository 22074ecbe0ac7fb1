/**
 * The tables as Kysely sees them: FastAPI Users' layout (CONTRACT §16.2). Values are typed as
 * the drivers return them, which differ by database: booleans are 0/1 on SQLite and MySQL, and
 * `created_at` is text on SQLite. The adapter converts them; an application querying these
 * tables itself through `store.db` meets the raw values.
 */
import type { Kysely } from 'kysely'
import type { OAuthAccount } from '../../user.ts'

export type { SqlDialect } from '../sql/dialect.ts'

export interface UserTable {
  id: string
  email: string
  hashed_password: string
  is_active: boolean | number
  is_superuser: boolean | number
  is_verified: boolean | number
}

/** An OAuth account row: the account as the core sees it, and the user it belongs to. */
export interface OAuthAccountTable extends OAuthAccount {
  user_id: string
}

export interface AccessTokenTable {
  token: string
  created_at: Date | string
  user_id: string
}

/** The tables of the users system, for typing `Kysely<UserTables>`. */
export interface UserTables {
  user: UserTable
  oauth_account: OAuthAccountTable
  accesstoken: AccessTokenTable
}

/** A Kysely instance over any schema; the adapter only names its own tables. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKysely = Kysely<any>

/** Table names, kept in one place because `user` needs quoting everywhere. */
export const USER_TABLE = 'user'
export const OAUTH_ACCOUNT_TABLE = 'oauth_account'
export const ACCESS_TOKEN_TABLE = 'accesstoken'
export const MIGRATIONS_TABLE = 'fastify_users_migrations'
/** One row per user and role (migration 14), the index of `user.roles` for listing a role's holders. */
export const USER_ROLE_TABLE = 'fastify_users_user_role'
