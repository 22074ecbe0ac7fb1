/**
 * Custom user fields, as every adapter takes them: the application declares each field of its
 * users with a portable type (SQL adapter: a column of the `user` table; MongoDB: a document
 * field), so that it can move between adapters with the same declarations. What a name may be
 * depends on where the adapter stores it, so each adapter brings its naming rule; the rest of
 * the validation is the same everywhere.
 */
import { FieldDefinitionError } from './errors.ts'

/** Portable types of a custom field. */
export type FieldType = 'text' | 'integer' | 'boolean' | 'real' | 'timestamp' | 'json'

/** One custom field of the users. */
export interface FieldDefinition {
  type: FieldType
  /** Whether the field accepts null. Defaults to `true`. */
  nullable?: boolean
  /**
   * A default the database fills in when a user is created without this field. Needed to add
   * a `nullable: false` column to a table that already holds users. Not for `timestamp`/`json`.
   */
  default?: string | number | boolean
}

/** The custom fields of an application, by name. */
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

/** Which names an adapter can store a field under. */
export interface FieldNaming {
  /** The names the adapter can store as they are. */
  pattern: RegExp
  /** The pattern in words, for the error message. */
  rule: string
  /** Names the adapter stores itself. */
  taken: ReadonlySet<string>
}

const FIELD_TYPES = new Set<FieldType>(['text', 'integer', 'boolean', 'real', 'timestamp', 'json'])

const DEFAULT_TYPES: Partial<Record<FieldType, string>> = {
  text: 'string',
  integer: 'number',
  real: 'number',
  boolean: 'boolean',
}

/**
 * Checks an application's field declarations, so that a typo fails at startup rather than as
 * a refused query.
 *
 * @throws FieldDefinitionError naming the first field the adapter cannot honour.
 * @example
 * ```ts
 * const naming = { pattern: /^[a-z_]+$/, rule: 'lower-case letters and _', taken: new Set(['email']) }
 * validateFields({ nickname: { type: 'text' } }, naming) // ok
 * validateFields({ email: { type: 'text' } }, naming) // throws FieldDefinitionError
 * ```
 */
export function validateFields(fields: FieldDefinitions, naming: FieldNaming): void {
  for (const [name, field] of Object.entries(fields)) {
    if (!naming.pattern.test(name)) throw new FieldDefinitionError(name, `the name must be ${naming.rule}`)
    if (naming.taken.has(name)) throw new FieldDefinitionError(name, 'the name is taken by the users system')
    if (!FIELD_TYPES.has(field.type)) throw new FieldDefinitionError(name, `unknown type ${JSON.stringify(field.type)}`)
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
