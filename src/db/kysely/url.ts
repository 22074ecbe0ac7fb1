/**
 * Opening a store from a `DATABASE_URL`, the one setting most deployments have. The scheme
 * picks the database; for SQLite everything after `sqlite://` is the file path, so
 * `sqlite://./users.db` is relative and `sqlite:///var/lib/app/users.db` absolute.
 */
import { UnsupportedDatabaseUrlError } from './errors.ts'
import type { FieldDefinitions } from '../fields.ts'
import { mysqlUserDatabase, postgresUserDatabase, sqliteUserDatabase } from './open.ts'
import type { KyselyUserStore, StoreOptions, UserWithFields } from './open.ts'

/**
 * Opens the store a database URL names: `sqlite://path`, `postgres://…` or `postgresql://…`,
 * `mysql://…` or `mariadb://…`.
 *
 * @throws UnsupportedDatabaseUrlError for any other scheme.
 * @example
 * ```ts
 * const store = await openUserDatabase(process.env.DATABASE_URL ?? 'sqlite://./users.db')
 * ```
 */
export async function openUserDatabase<F extends FieldDefinitions = Record<never, never>>(
  url: string,
  options: StoreOptions<F> = {},
): Promise<KyselyUserStore<UserWithFields<F>>> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? ''
  switch (scheme) {
    case 'sqlite': {
      const filename = url.slice('sqlite:'.length)
      if (!filename.startsWith('//') || filename.length === 2) {
        throw new UnsupportedDatabaseUrlError(scheme, 'a SQLite URL is sqlite:// followed by the file path')
      }
      return sqliteUserDatabase({ ...options, filename: filename.slice(2) })
    }
    case 'postgres':
    case 'postgresql':
      return postgresUserDatabase({ ...options, connectionString: url })
    case 'mysql':
    case 'mariadb':
      // mysql2 reads host, credentials and database from any URL; the scheme is ours to check.
      return mysqlUserDatabase({ ...options, uri: url })
    default:
      throw new UnsupportedDatabaseUrlError(scheme)
  }
}
