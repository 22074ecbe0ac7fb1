/**
 * drizzle-kit migration folders cut short, to bring a database to the layout an earlier
 * version of the example had, fill it as that version would, and then migrate the rest.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { UserListing } from '../../src/db/user-listing.ts'

export interface MigrationsCopy {
  folder: string
  remove(): Promise<void>
}

/** A copy of `folder` whose journal ends before the migration tagged `tag`. */
export async function migrationsBefore(folder: string, tag: string): Promise<MigrationsCopy> {
  const copy = await mkdtemp(join(tmpdir(), 'fastify-users-migrations-'))
  await cp(folder, copy, { recursive: true })
  const journalPath = join(copy, 'meta', '_journal.json')
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: Array<{ tag: string }> }
  const end = journal.entries.findIndex((entry) => entry.tag === tag)
  if (end < 0) throw new Error(`no migration ${tag} in ${folder}`)
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, end) }))
  return { folder: copy, remove: () => rm(copy, { recursive: true, force: true }) }
}

/**
 * Roles as users held them before the role table, in `user.roles`: readable arrays, an array
 * with a non-string and a repeat, an object, no roles, and (with `unparsable`) text that is
 * not JSON, which PostgreSQL's fill cannot read and fastify-users never writes.
 */
export function rolesHeldBefore(options: { unparsable: boolean }): Array<[email: string, roles: string | null]> {
  return [
    ['b@x.io', '["admin","editor"]'],
    ['A@x.io', '["admin"]'],
    ...(options.unparsable ? [['c@x.io', 'not json'] as [string, string]] : []),
    ['d@x.io', '{"admin":true}'],
    ['e@x.io', '["editor",3,"admin","admin"]'],
    ['f@x.io', null],
  ]
}

/** Checks the role pages of a database whose role table was filled from `rolesHeldBefore`. */
export async function expectRolePagesOfRolesHeldBefore(users: UserListing): Promise<void> {
  const emails = async (role: string, sort: 'email' | 'created_at') =>
    (await users.listUsers({ sort, order: 'asc', limit: 10, role })).entries.map((entry) => entry.user.email)
  expect(await emails('admin', 'email')).toEqual(['A@x.io', 'b@x.io', 'e@x.io'])
  // Users created in one millisecond follow in id order, in the whole list as in the role's.
  const byTime = (await users.listUsers({ sort: 'created_at', order: 'asc', limit: 10 })).entries.map((entry) => entry.user.email)
  expect(await emails('admin', 'created_at')).toEqual(byTime.filter((email) => ['A@x.io', 'b@x.io', 'e@x.io'].includes(email)))
  expect(await emails('editor', 'email')).toEqual(['b@x.io', 'e@x.io'])
}
