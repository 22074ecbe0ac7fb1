/**
 * Errors of the SQL adapter that are about configuration or the state of a database, thrown
 * when a store is opened, never while serving a request. Each has a stable `code`. Errors that
 * the core turns into wire codes (a taken email) come from `src/errors.ts`.
 */

/** A `DATABASE_URL` whose scheme is none of the supported databases. */
export class UnsupportedDatabaseUrlError extends Error {
  override readonly name = 'UnsupportedDatabaseUrlError'
  readonly code = 'UNSUPPORTED_DATABASE_URL'
  readonly scheme: string

  /** `scheme` is the URL's scheme without `:`, or `''` when it has none. */
  constructor(scheme: string, hint = 'use sqlite://, postgres://, postgresql://, mysql:// or mariadb://') {
    // Only the scheme is quoted: the rest of a URL may hold a password.
    super(`unsupported database URL scheme ${JSON.stringify(scheme)}: ${hint}`)
    this.scheme = scheme
  }
}

/** A custom field declaration the adapter cannot honour. */
export class FieldDefinitionError extends Error {
  override readonly name = 'FieldDefinitionError'
  readonly code = 'INVALID_FIELD_DEFINITION'
  readonly field: string

  constructor(field: string, reason: string) {
    super(`custom user field ${JSON.stringify(field)}: ${reason}`)
    this.field = field
  }
}

const MAX_GROUPS_IN_MESSAGE = 10

/**
 * The database holds emails that differ only in letter case. FastAPI Users' own unique index
 * is case-sensitive, so such a database can exist; fastify-users enforces uniqueness across
 * case and refuses to open it until someone decides which account keeps the address.
 */
export class EmailCaseCollisionError extends Error {
  override readonly name = 'EmailCaseCollisionError'
  readonly code = 'EMAIL_CASE_COLLISION'
  /** Each group holds the stored emails that fold to the same lower-case address. */
  readonly collisions: string[][]

  constructor(collisions: string[][]) {
    const shown = collisions.slice(0, MAX_GROUPS_IN_MESSAGE)
    const groups = shown.map((group) => group.map((email) => JSON.stringify(email)).join(' = '))
    const more = collisions.length - shown.length
    super(
      'the user table holds emails that differ only in letter case, which fastify-users refuses ' +
        `because it keeps emails unique across case; merge or rename these accounts: ${groups.join('; ')}` +
        (more > 0 ? ` (and ${more} more groups, listed in error.collisions)` : ''),
    )
    this.collisions = collisions
  }
}

/** Another process held the migration lock for longer than the timeout. */
export class MigrationLockError extends Error {
  override readonly name = 'MigrationLockError'
  readonly code = 'MIGRATION_LOCK_TIMEOUT'

  constructor(seconds: number) {
    super(`another process has been migrating the user database for more than ${seconds} seconds`)
  }
}
