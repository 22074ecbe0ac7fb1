/**
 * Errors of the SQL adapter that are about configuration or the state of a database, thrown
 * when a store is opened, never while serving a request (`ConfigurationError`s, each with a
 * stable `code`). The errors every adapter throws alike are in `src/db/errors.ts`; errors that
 * the core turns into wire codes (a taken email) come from `src/errors.ts`.
 */
import { ConfigurationError } from '../../errors.ts'

/** A `DATABASE_URL` whose scheme is none of the supported databases. */
export class UnsupportedDatabaseUrlError extends ConfigurationError {
  override readonly name = 'UnsupportedDatabaseUrlError'
  readonly scheme: string

  /** `scheme` is the URL's scheme without `:`, or `''` when it has none. */
  constructor(
    scheme: string,
    hint = 'use sqlite://, postgres://, postgresql://, mysql:// or mariadb:// (mongodb:// and mongodb+srv:// ' +
      'open through fastify-users/mongodb)',
  ) {
    // Only the scheme is quoted: the rest of a URL may hold a password.
    super('UNSUPPORTED_DATABASE_URL', `unsupported database URL scheme ${JSON.stringify(scheme)}: ${hint}`)
    this.scheme = scheme
  }
}

/** A read replica where the store cannot have one (SQLite), or of another kind of database than the primary. */
export class ReadReplicaUnsupportedError extends ConfigurationError {
  override readonly name = 'ReadReplicaUnsupportedError'

  constructor(reason: string) {
    super('READ_REPLICA_UNSUPPORTED', `a read replica cannot be used here: ${reason}`)
  }
}

/** Another process held the migration lock for longer than the timeout. */
export class MigrationLockError extends ConfigurationError {
  override readonly name = 'MigrationLockError'

  constructor(seconds: number) {
    super('MIGRATION_LOCK_TIMEOUT', `another process has been migrating the user database for more than ${seconds} seconds`)
  }
}
