/**
 * The example's tables on PostgreSQL, declared with Drizzle: FastAPI Users' layout from the
 * column helpers, and fastify-users' role table. drizzle-kit reads this file to generate
 * ./drizzle/pg. An application adds its own user columns next to the spread, e.g.
 * `first_name: text('first_name')`, runs `drizzle-kit generate`, and passes their schemas as
 * `fields` to fastifyUsers.
 */
import { pgTable } from 'drizzle-orm/pg-core'
import { pgAccessTokenTable, pgOAuthAccountTable, pgUserColumns, pgUserIndexes, pgUserRoleTable } from 'fastify-users/drizzle'

export const user = pgTable('user', { ...pgUserColumns() }, pgUserIndexes)
export const oauthAccount = pgOAuthAccountTable(user)
export const accessToken = pgAccessTokenTable(user)
/** The role table (fastify-users' own): a page of one role's holders seeks on it. */
export const userRole = pgUserRoleTable(user)
