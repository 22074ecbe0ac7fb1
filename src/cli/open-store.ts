/**
 * The store of a database URL, for the command-line tools: `sqlite://`, `postgres://`,
 * `mysql://` through the Kysely adapter, `mongodb://` through the MongoDB adapter. Opening a
 * store runs its migrations.
 */
import type { UserDatabase } from '../db/types.ts'
import { openUserDatabase } from '../db/kysely/index.ts'
import { isMongoUrl, openMongoUserDatabase } from '../db/mongodb/index.ts'
import type { UserRecord } from '../user.ts'

export interface CliStore {
  users: UserDatabase<UserRecord>
  destroy(): Promise<void>
}

export function openStore(url: string): Promise<CliStore> {
  return isMongoUrl(url) ? openMongoUserDatabase(url) : openUserDatabase(url)
}

/** The URL from `--database-url`, `DATABASE_URL`, or the examples' SQLite default. */
export function databaseUrl(option: string | undefined): string {
  return option ?? process.env.DATABASE_URL ?? 'sqlite://./users.db'
}
