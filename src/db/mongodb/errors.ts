/**
 * Errors of the MongoDB adapter about configuration or the state of a database, thrown when a
 * store is opened (or, for a document another application wrote later, when it is read). Each
 * has a stable `code`. The errors every adapter throws alike are in `src/db/errors.ts`; a taken
 * email is `DuplicateEmailError` of src/errors.ts, as in every adapter.
 */
import { ConfigurationError } from '../../errors.ts'

/** A connection setting the adapter cannot use, such as a URL that names no database. */
export class MongoConfigurationError extends ConfigurationError {
  override readonly name = 'MongoConfigurationError'

  constructor(message: string) {
    super('INVALID_MONGODB_CONFIGURATION', message)
  }
}

/**
 * A user document whose `_id` is not a standard BSON UUID: most often the ObjectId that Beanie
 * gives by default. fastify-users identifies users by UUID (routes, JWT `sub`, access tokens),
 * so it cannot serve such a collection.
 */
export class UnsupportedUserIdError extends ConfigurationError {
  override readonly name = 'UnsupportedUserIdError'

  constructor(collection: string, found: string) {
    super(
      'UNSUPPORTED_USER_ID',
      `the collection ${JSON.stringify(collection)} holds a user whose _id is ${found}; fastify-users ` +
        'identifies users by UUID and needs _id to be a BSON UUID (binary subtype 4), as a Beanie ' +
        'model with `id: UUID` and uuidRepresentation="standard" stores it',
    )
  }
}
