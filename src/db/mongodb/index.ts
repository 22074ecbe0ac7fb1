/**
 * fastify-users' MongoDB adapter, on the official `mongodb` driver, in the layout of FastAPI
 * Users' Beanie adapter (CONTRACT §16.3), so that one database can move between the two.
 *
 * Layout. Users live in one collection (`User` by default, Beanie's name for the docs' model):
 * `{_id, email, hashed_password, is_active, is_superuser, is_verified, …application fields,
 * oauth_accounts: [{id, oauth_name, access_token, account_id, account_email, expires_at,
 * refresh_token}], email_key}`. Access tokens live in another (`AccessToken`):
 * `{_id, token (unique), user_id, created_at}`.
 *
 * Ids. fastify-users names users by UUID everywhere (routes, JWT `sub`, access tokens), so a
 * user's `_id` is a BSON UUID (binary subtype 4), what a Beanie model declaring
 * `id: UUID = Field(default_factory=uuid4)` stores under `uuidRepresentation="standard"`, and
 * FastAPI Users' own MongoDB adapter of the v3 era stored for its ids. Supported: such
 * collections, new or existing. Not supported, and refused when the store opens
 * (`UnsupportedUserIdError`): Beanie's default ObjectId ids, and ids of any other type (the
 * v3-era layout, whose `_id` is an ObjectId beside a UUID `id` field, and the `pythonLegacy`
 * subtype-3 UUIDs among them). Serving ObjectId users would need the id type to be pluggable
 * in the core, not only here. Embedded OAuth accounts may carry Beanie's ObjectId ids; they are
 * read and updated as 24-digit hex strings.
 *
 * Email. Lookups and uniqueness fold ASCII letters only, as in every adapter (DESIGN.md), so
 * each user carries `email_key`, its email with `A`-`Z` lower-cased, under the unique index
 * `ux_email_key`; lookups compare it for equality. Beanie's case-insensitive index (collation
 * `en`, strength 2) was not chosen because it folds far more than ASCII (`É` and `é` are one
 * letter to it, and so are compatibility forms), which would make two addresses one user on
 * MongoDB and two on SQL; a plain index also works on every server that speaks MongoDB, with or
 * without collations. The cost: a FastAPI Users application writing to the same collection
 * does not maintain `email_key` (Beanie's `save()` even replaces the document without it), so
 * running both against one collection at once is not supported; moving from one to the other
 * is. On opening, `migrate()` fills in `email_key` where it is missing and refuses emails that
 * collide in ASCII case (`EmailCaseCollisionError`) before adding the index. Beanie's own email
 * indexes, where they exist, are kept, and a refusal by them is a taken email too.
 *
 * Atomicity. Each write touches one document: creating a user is one insert that the unique
 * index may refuse (error 11000 becomes `DuplicateEmailError`), so concurrent registrations of
 * one address in several letter cases give exactly one user; a password changes from the hash
 * it was checked against in one `findOneAndUpdate` that has both the id and that hash in its
 * filter, so of several concurrent changes exactly one wins; OAuth accounts are embedded, so
 * they live and die with their user. No transaction is needed, and none is used (standalone
 * servers have none). Caller input never becomes a query operator: filters take checked
 * strings or ids the adapter built, compared with `$eq`.
 *
 * @example
 * ```ts
 * import { openMongoUserDatabase } from 'fastify-users/mongodb'
 *
 * const store = await openMongoUserDatabase(process.env.DATABASE_URL ?? 'mongodb://127.0.0.1:27017/app', {
 *   fields: { nickname: { type: 'text' } },
 * })
 * ```
 */
export { EmailCaseCollisionError, FieldDefinitionError } from '../errors.ts'
export type { FieldDefinition, FieldDefinitions, FieldType, FieldValues } from '../fields.ts'
export { MongoAccessTokenDatabase } from './access-token-database.ts'
export { MongoConfigurationError, UnsupportedUserIdError } from './errors.ts'
export { migrate, DEFAULT_ACCESS_TOKENS_COLLECTION, DEFAULT_USERS_COLLECTION } from './migrate.ts'
export type { MongoCollectionNames } from './migrate.ts'
export { isMongoUrl, mongoUserDatabase, openMongoUserDatabase } from './open.ts'
export type { MongoClientStoreOptions, MongoStoreOptions, MongoUrlStoreOptions, MongoUserStore, UserWithFields } from './open.ts'
export { MongoRefreshTokenStore, REFRESH_TOKEN_COLLECTION, type MongoRefreshTokenStoreOptions } from './refresh-token-store.ts'
export { AUDIT_COLLECTION, MongoAuditStore, type MongoAuditStoreOptions } from './audit-store.ts'
export { MAGIC_LINK_COLLECTION, MongoMagicLinkStore, type MongoMagicLinkStoreOptions } from './magic-link-store.ts'
export { MongoPasskeyStore, PASSKEY_CHALLENGE_COLLECTION, PASSKEY_COLLECTION, type MongoPasskeyStoreOptions } from './passkey-store.ts'
export { API_KEY_COLLECTION, MongoApiKeyStore, type MongoApiKeyStoreOptions } from './api-key-store.ts'
export { MongoSessionStore, SESSION_COLLECTION, type MongoSessionStoreOptions } from './session-store.ts'
export { MongoTwoFactorStore, TWO_FACTOR_COLLECTION, type MongoTwoFactorStoreOptions } from './two-factor-store.ts'
export {
  MongoRevocationStore,
  DENYLIST_COLLECTION,
  GENERATION_COLLECTION,
  type MongoRevocationStoreOptions,
} from './revocation-store.ts'
export { MongoUserDatabase } from './user-database.ts'
