/**
 * The example's tables on SQLite, declared with Drizzle: FastAPI Users' layout from the
 * column helpers, and fastify-users' role table. drizzle-kit reads this file to generate
 * ./drizzle/sqlite. An application adds its own user columns next to the spread, e.g.
 * `first_name: text('first_name')`, runs `drizzle-kit generate`, and passes their schemas as
 * `fields` to fastifyUsers.
 */
import { sqliteTable } from 'drizzle-orm/sqlite-core'
import { sqliteAccessTokenTable, sqliteOAuthAccountTable, sqliteUserColumns, sqliteUserIndexes, sqliteUserRoleTable } from 'fastify-users/drizzle'

export const user = sqliteTable('user', { ...sqliteUserColumns() }, sqliteUserIndexes)
export const oauthAccount = sqliteOAuthAccountTable(user)
export const accessToken = sqliteAccessTokenTable(user)
/** The role table (fastify-users' own): a page of one role's holders seeks on it. */
export const userRole = sqliteUserRoleTable(user)
