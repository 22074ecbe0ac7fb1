/**
 * Custom user fields in SQL: the columns an application adds to the `user` table, as FastAPI
 * Users apps add columns to their SQLAlchemy model, declared with the portable types of
 * `src/db/fields.ts`. The migration adds the columns that are missing, and reads and writes
 * convert values (codec.ts) so that every database returns the same JavaScript types (a boolean
 * is a boolean even where the column holds 0/1).
 */
import type { FieldNaming, FieldType } from '../fields.ts'
import type { SqlDialect } from './schema.ts'

/**
 * Column names: lower-case identifiers, which need no quoting in any of the databases, other
 * than the base columns and the names the adapter uses itself (`email_ci` is MySQL's
 * folded-email column; `created_at`, `roles` and `ban` are migration 6's; `username` and MySQL's
 * `username_ci` migration 12's).
 */
export const SQL_FIELD_NAMING: FieldNaming = {
  pattern: /^[a-z_][a-z0-9_]{0,62}$/,
  rule: 'a lower-case SQL identifier ([a-z_][a-z0-9_]*)',
  taken: new Set([
    'id', 'email', 'hashed_password', 'is_active', 'is_superuser', 'is_verified', 'email_ci', 'created_at', 'roles', 'ban',
    'username', 'username_ci',
    'oauth_accounts', 'password',
  ]),
}

/**
 * Column types per database. SQLite's are the names SQLAlchemy writes (its affinity rules make
 * BOOLEAN hold 0/1 and TIMESTAMP hold text); MySQL's DATETIME(6) keeps microseconds.
 */
export const FIELD_SQL_TYPES: Record<SqlDialect, Record<FieldType, string>> = {
  sqlite: {
    text: 'TEXT',
    integer: 'INTEGER',
    boolean: 'BOOLEAN',
    real: 'REAL',
    timestamp: 'TIMESTAMP',
    json: 'TEXT',
  },
  postgres: {
    text: 'TEXT',
    integer: 'INTEGER',
    boolean: 'BOOLEAN',
    real: 'DOUBLE PRECISION',
    timestamp: 'TIMESTAMP WITH TIME ZONE',
    json: 'JSONB',
  },
  mysql: {
    text: 'TEXT',
    integer: 'INT',
    boolean: 'BOOLEAN',
    real: 'DOUBLE',
    timestamp: 'DATETIME(6)',
    json: 'JSON',
  },
}
