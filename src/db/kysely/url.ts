/**
 * Opening a store from a `DATABASE_URL`, the one setting most deployments have. The scheme
 * picks the database; for SQLite everything after `sqlite://` is the file path, so
 * `sqlite://./users.db` is relative and `sqlite:///var/lib/app/users.db` absolute.
 */
import { ReadReplicaUnsupportedError, UnsupportedDatabaseUrlError } from './errors.ts'
import type { FieldDefinitions } from '../fields.ts'
import { mysqlUserDatabase, postgresUserDatabase, sqliteUserDatabase } from './open.ts'
import type { KyselyUserStore, StoreOptions, UserWithFields } from './open.ts'
import type { SqliteCacheOptions } from '../sql/sqlite-cache.ts'

/** `cacheSizeKiB` and `mmapSizeBytes` apply to `sqlite://` URLs only (see `SqliteCacheOptions`). */
export interface UrlStoreOptions<F extends FieldDefinitions> extends StoreOptions<F>, SqliteCacheOptions {
  /**
   * A read replica of the same database (`DATABASE_READ_URL` in the example), of the same kind
   * as the URL (PostgreSQL or MySQL/MariaDB; SQLite has none): see `readConnectionString`.
   */
  readUrl?: string
}

/**
 * Opens the store a database URL names: `sqlite://path`, `postgres://…` or `postgresql://…`,
 * `mysql://…` or `mariadb://…`.
 *
 * @throws UnsupportedDatabaseUrlError for any other scheme.
 * @throws ReadReplicaUnsupportedError for a `readUrl` of SQLite, or of another database kind.
 * @example
 * ```ts
 * const store = await openUserDatabase(process.env.DATABASE_URL ?? 'sqlite://./users.db')
 * ```
 */
export async function openUserDatabase<F extends FieldDefinitions = Record<never, never>>(
  url: string,
  options: UrlStoreOptions<F> = {},
): Promise<KyselyUserStore<UserWithFields<F>>> {
  const { readUrl, cacheSizeKiB, mmapSizeBytes, ...storeOptions } = options
  const scheme = schemeOf(url)
  const kind = KINDS[scheme]
  if (readUrl !== undefined && kind !== undefined && (kind === 'sqlite' || KINDS[schemeOf(readUrl)] !== kind)) {
    throw new ReadReplicaUnsupportedError(kind === 'sqlite' ? 'SQLite has no read replicas' : 'the read URL must name the same kind of database')
  }
  switch (scheme) {
    case 'sqlite': {
      const filename = url.slice('sqlite:'.length)
      if (!filename.startsWith('//') || filename.length === 2) {
        throw new UnsupportedDatabaseUrlError(scheme, 'a SQLite URL is sqlite:// followed by the file path')
      }
      return sqliteUserDatabase({ ...storeOptions, cacheSizeKiB, mmapSizeBytes, filename: filename.slice(2) })
    }
    case 'postgres':
    case 'postgresql':
      return postgresUserDatabase({ ...storeOptions, connectionString: url, ...(readUrl === undefined ? {} : { readConnectionString: readUrl }) })
    case 'mysql':
    case 'mariadb':
      // mysql2 reads host, credentials and database from any URL; the scheme is ours to check.
      return mysqlUserDatabase({ ...storeOptions, uri: url, ...(readUrl === undefined ? {} : { readUri: readUrl }) })
    default:
      throw new UnsupportedDatabaseUrlError(scheme)
  }
}

const KINDS: Partial<Record<string, 'sqlite' | 'postgres' | 'mysql'>> = {
  sqlite: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
}

function schemeOf(url: string): string {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? ''
}
