/**
 * Custom user fields: the columns an application adds to the `user` table, as FastAPI Users
 * apps add columns to their SQLAlchemy model. The application declares each one with a
 * portable type; the migration adds the columns that are missing, and reads and writes convert
 * values so that every database returns the same JavaScript types (a boolean is a boolean even
 * where the column holds 0/1).
 */
import { FieldDefinitionError } from './errors.ts'
import type { SqlDialect } from './schema.ts'

/** Portable column types of a custom field. */
export type FieldType = 'text' | 'integer' | 'boolean' | 'real' | 'timestamp' | 'json'

/** One custom column of the `user` table. */
export interface FieldDefinition {
  type: FieldType
  /** Whether the column accepts NULL. Defaults to `true`. */
  nullable?: boolean
  /**
   * A default the database fills in when a user is created without this field. Needed to add
   * a `nullable: false` column to a table that already holds users. Not for `timestamp`/`json`.
   */
  default?: string | number | boolean
}

/** The custom fields of an application, by column name. */
export type FieldDefinitions = Readonly<Record<string, FieldDefinition>>

interface FieldTypeValues {
  text: string
  integer: number
  boolean: boolean
  real: number
  timestamp: Date
  json: unknown
}

/** The JavaScript values of declared fields, as they appear on a user record. */
export type FieldValues<F extends FieldDefinitions> = {
  -readonly [K in keyof F]: FieldTypeValues[F[K]['type']] | (F[K] extends { nullable: false } ? never : null)
}

const BASE_COLUMNS = new Set(['id', 'email', 'hashed_password', 'is_active', 'is_superuser', 'is_verified'])
/** Names the adapter uses itself: `email_ci` is MySQL's folded-email column. */
const RESERVED = new Set(['email_ci', 'oauth_accounts', 'password'])
const COLUMN_NAME = /^[a-z_][a-z0-9_]{0,62}$/

const DEFAULT_TYPES: Partial<Record<FieldType, string>> = {
  text: 'string',
  integer: 'number',
  real: 'number',
  boolean: 'boolean',
}

/**
 * Checks an application's field declarations, so that a typo fails at startup rather than as
 * SQL. Column names are lower-case identifiers, which need no quoting in any of the databases.
 *
 * @example
 * ```ts
 * validateFields({ nickname: { type: 'text' } }) // ok
 * validateFields({ email: { type: 'text' } }) // throws FieldDefinitionError
 * ```
 */
export function validateFields(fields: FieldDefinitions): void {
  for (const [name, field] of Object.entries(fields)) {
    if (!COLUMN_NAME.test(name)) {
      throw new FieldDefinitionError(name, 'the name must be a lower-case SQL identifier ([a-z_][a-z0-9_]*)')
    }
    if (BASE_COLUMNS.has(name) || RESERVED.has(name)) {
      throw new FieldDefinitionError(name, 'the name is taken by the users system')
    }
    if (!(field.type in FIELD_SQL_TYPES.sqlite)) {
      throw new FieldDefinitionError(name, `unknown type ${JSON.stringify(field.type)}`)
    }
    if (field.default !== undefined && typeof field.default !== DEFAULT_TYPES[field.type]) {
      throw new FieldDefinitionError(name, `a default of type ${typeof field.default} does not fit type ${field.type}`)
    }
    if (typeof field.default === 'number' && !Number.isFinite(field.default)) {
      throw new FieldDefinitionError(name, 'a default must be a finite number')
    }
    if (field.type === 'integer' && field.default !== undefined && !Number.isInteger(field.default)) {
      throw new FieldDefinitionError(name, 'the default of an integer field must be an integer')
    }
  }
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
