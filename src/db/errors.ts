/**
 * Errors every adapter throws alike, about configuration or the state of a database, thrown
 * when a store is opened, never while serving a request (`ConfigurationError`s). Each has a
 * stable `code`, the same in every adapter, and each adapter's entry point exports the class. Errors that the core turns
 * into wire codes (a taken email) come from `src/errors.ts`.
 */
import { ConfigurationError } from '../errors.ts'

/**
 * A custom field declaration the adapter cannot honour.
 *
 * @example
 * ```ts
 * throw new FieldDefinitionError('email', 'the name is taken by the users system')
 * ```
 */
export class FieldDefinitionError extends ConfigurationError {
  override readonly name = 'FieldDefinitionError'
  readonly field: string

  constructor(field: string, reason: string) {
    super('INVALID_FIELD_DEFINITION', `custom user field ${JSON.stringify(field)}: ${reason}`)
    this.field = field
  }
}

const MAX_GROUPS_IN_MESSAGE = 10

/**
 * The database holds emails that differ only in ASCII letter case. FastAPI Users' own unique
 * index is case-sensitive, so such a database can exist; fastify-users keeps emails unique
 * across case and refuses to open it until someone decides which account keeps the address.
 *
 * @example
 * ```ts
 * throw new EmailCaseCollisionError([['A@x.io', 'a@x.io']], { holder: 'the users collection' })
 * ```
 */
export class EmailCaseCollisionError extends ConfigurationError {
  override readonly name = 'EmailCaseCollisionError'
  /** Each group holds the stored emails that fold to the same lower-case address. */
  readonly collisions: string[][]

  /** `holder` names where the users are, for the message; `the user table` by default. */
  constructor(collisions: string[][], options: { holder?: string } = {}) {
    const shown = collisions.slice(0, MAX_GROUPS_IN_MESSAGE)
    const groups = shown.map((group) => group.map((email) => JSON.stringify(email)).join(' = '))
    const more = collisions.length - shown.length
    super(
      'EMAIL_CASE_COLLISION',
      `${options.holder ?? 'the user table'} holds emails that differ only in letter case, which fastify-users refuses ` +
        `because it keeps emails unique across case; merge or rename these accounts: ${groups.join('; ')}` +
        (more > 0 ? ` (and ${more} more groups, listed in error.collisions)` : ''),
    )
    this.collisions = collisions
  }
}
