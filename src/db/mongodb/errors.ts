/**
 * Errors of the MongoDB adapter about configuration or the state of a database, thrown when a
 * store is opened (or, for a document another application wrote later, when it is read). Each
 * has a stable `code`; a name and code that the SQL adapter has too means the same there. A
 * taken email is `DuplicateEmailError` of src/errors.ts, as in every adapter.
 */

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

/** A connection setting the adapter cannot use, such as a URL that names no database. */
export class MongoConfigurationError extends Error {
  override readonly name = 'MongoConfigurationError'
  readonly code = 'INVALID_MONGODB_CONFIGURATION'
}

const MAX_GROUPS_IN_MESSAGE = 10

/**
 * The users collection holds emails that differ only in ASCII letter case. fastify-users keeps
 * emails unique across case and refuses to add its index until someone decides which account
 * keeps the address.
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
      'the users collection holds emails that differ only in letter case, which fastify-users refuses ' +
        `because it keeps emails unique across case; merge or rename these accounts: ${groups.join('; ')}` +
        (more > 0 ? ` (and ${more} more groups, listed in error.collisions)` : ''),
    )
    this.collisions = collisions
  }
}

/**
 * A user document whose `_id` is not a standard BSON UUID: most often the ObjectId that Beanie
 * gives by default. fastify-users identifies users by UUID (routes, JWT `sub`, access tokens),
 * so it cannot serve such a collection.
 */
export class UnsupportedUserIdError extends Error {
  override readonly name = 'UnsupportedUserIdError'
  readonly code = 'UNSUPPORTED_USER_ID'

  constructor(collection: string, found: string) {
    super(
      `the collection ${JSON.stringify(collection)} holds a user whose _id is ${found}; fastify-users ` +
        'identifies users by UUID and needs _id to be a BSON UUID (binary subtype 4), as a Beanie ' +
        'model with `id: UUID` and uuidRepresentation="standard" stores it',
    )
  }
}
