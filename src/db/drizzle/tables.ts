/**
 * The tables the adapter works on, as types any Drizzle table satisfies when it has the
 * columns under FastAPI Users' names: the tables built with the column helpers of
 * columns-sqlite.ts and columns-pg.ts do, whatever columns the application adds.
 */
import type { Column, Table } from 'drizzle-orm'
import { OAUTH_ACCOUNT_COLUMNS } from '../sql/oauth-account-row.ts'

/** The properties a user table must have, named as FastAPI Users names the columns. */
export const BASE_USER_KEYS = ['id', 'email', 'is_active', 'is_superuser', 'is_verified', 'hashed_password'] as const

export type BaseUserKey = (typeof BASE_USER_KEYS)[number]

/** A `user` table: the base columns, and the application's own. */
export type UserTable = Table & Record<BaseUserKey, Column>

/** The columns of an OAuth account, and the user it belongs to. */
export const OAUTH_ACCOUNT_KEYS = [...OAUTH_ACCOUNT_COLUMNS, 'user_id'] as const

/** An `oauth_account` table, as `sqliteOAuthAccountTable()` and `pgOAuthAccountTable()` build it. */
export type OAuthAccountTable = Table & Record<(typeof OAUTH_ACCOUNT_KEYS)[number], Column>

export const ACCESS_TOKEN_KEYS = ['token', 'created_at', 'user_id'] as const

/** An `accesstoken` table, as `sqliteAccessTokenTable()` and `pgAccessTokenTable()` build it. */
export type AccessTokenTable = Table & Record<(typeof ACCESS_TOKEN_KEYS)[number], Column>

/** fastify-users' role table (the Kysely adapter's migration 14). */
export const USER_ROLE_TABLE_NAME = 'fastify_users_user_role'

export const USER_ROLE_KEYS = ['user_id', 'role', 'email_key', 'created_at'] as const

/** The role table, as `sqliteUserRoleTable()` and `pgUserRoleTable()` build it. */
export type UserRoleTable = Table & Record<(typeof USER_ROLE_KEYS)[number], Column>

/** The tables handed to the adapter; only `user` is required. */
export interface DrizzleUserTables {
  user: UserTable
  /** Needed for OAuth accounts; a user's accounts are deleted with the user. */
  oauthAccount?: OAuthAccountTable | undefined
  /** Needed for the database strategy's `accessTokens`; a user's tokens are deleted with the user. */
  accessToken?: AccessTokenTable | undefined
  /**
   * The role table, which makes a page of one role's holders a seek; without it such a page
   * walks the whole list, reading each user's roles.
   */
  userRole?: UserRoleTable | undefined
}
