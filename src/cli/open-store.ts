/**
 * The store of a database URL, for the command-line tools: `sqlite://`, `postgres://`,
 * `mysql://` through the Kysely adapter, `mongodb://` through the MongoDB adapter, which is
 * imported only for such a URL so that the tools run without the `mongodb` driver. Opening a
 * store runs its migrations.
 */
import type { UserDatabase } from '../db/types.ts'
import type { KyselyUserStore } from '../db/kysely/open.ts'
import { openUserDatabase } from '../db/kysely/url.ts'
import type { MongoUserStore } from '../db/mongodb/open.ts'
import { importOptional } from '../optional-dependency.ts'
import type { UserRecord } from '../user.ts'

/** A store of either adapter, with what the commands need of each. */
export type CliStore =
  | { kind: 'sql'; users: UserDatabase<UserRecord>; sql: KyselyUserStore; destroy(): Promise<void> }
  | { kind: 'mongodb'; users: UserDatabase<UserRecord>; mongo: MongoUserStore; destroy(): Promise<void> }

export function isMongoUrl(url: string): boolean {
  return /^mongodb(\+srv)?:\/\//i.test(url)
}

export async function openStore(url: string): Promise<CliStore> {
  if (isMongoUrl(url)) {
    const { openMongoUserDatabase } = await importOptional('mongodb', 'A mongodb:// URL', () => import('../db/mongodb/open.ts'))
    const mongo = await openMongoUserDatabase(url)
    return { kind: 'mongodb', users: mongo.users, mongo, destroy: () => mongo.destroy() }
  }
  const sql = await openUserDatabase(url)
  return { kind: 'sql', users: sql.users, sql, destroy: () => sql.destroy() }
}

/** Thrown when no database URL is given: the tools never pick a database on their own. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The URL from `--database-url` or `DATABASE_URL`; one of them is required. */
export function databaseUrl(option: string | undefined): string {
  const url = option ?? process.env.DATABASE_URL ?? ''
  if (url === '') throw new UsageError('no database: pass --database-url URL or set DATABASE_URL (sqlite://path, postgres://…, mysql://…, mongodb://…)')
  return url
}
