/**
 * What the SQLite query-plan tests of the user list share, Kysely's and Drizzle's: the plans of
 * the queries a page read from a cursor runs, and what a seek on the role table or on a flag's
 * index looks like in them.
 */
import { expect } from 'vitest'
import type { UserListing, UserListPage, UserListQuery } from '../../src/db/user-listing.ts'

/** The queries a store ran since `clear`, as their EXPLAIN QUERY PLAN rows in JSON. */
export interface LoggedPlans {
  clear(): void
  plans(): string[]
}

/**
 * Reads the first page of `query` (one user), then the next from its cursor, checks that it is
 * another user, and gives that page with the plans of the queries reading it took.
 */
export async function plansOfNextPage(users: UserListing, query: Omit<UserListQuery, 'limit' | 'after'>, logged: LoggedPlans): Promise<{ page: UserListPage; plans: string[] }> {
  const first = await users.listUsers({ ...query, limit: 1 })
  logged.clear()
  const page = await users.listUsers({ ...query, limit: 1, after: first.next })
  expect(page.entries).toHaveLength(1)
  expect(page.entries[0]?.user.id).not.toBe(first.entries[0]?.user.id)
  const plans = logged.plans()
  expect(plans.length).toBeGreaterThan(0)
  return { page, plans }
}

const ROLE_INDEXES = { email: 'ux_fastify_users_user_role_email', created_at: 'ix_fastify_users_user_role_created_at' } as const

/** A seek on the role table's index of the sort, each holder found by primary key, no sort. */
export function expectRoleTableSeek(plan: string, sort: 'email' | 'created_at'): void {
  expect(plan).toMatch(new RegExp(`SEARCH fastify_users_user_role USING (COVERING )?INDEX ${ROLE_INDEXES[sort]} \\(role=`))
  expect(plan).toContain('SEARCH user USING INDEX sqlite_autoindex_user_1 (id=?)')
  expect(plan).not.toContain('TEMP B-TREE')
}

/** A seek on the flag's index of the sort (migration 15), no sort. */
export function expectFlagIndexSeek(plan: string, flag: string, sort: 'email' | 'created_at'): void {
  expect(plan).toMatch(new RegExp(`SEARCH user USING INDEX ix_user_${flag}_${sort} \\(${flag}=`))
  expect(plan).not.toContain('TEMP B-TREE')
}
