/**
 * The mapping between a user document and a user record. A document has Beanie's layout for
 * FastAPI Users (CONTRACT §16.3): `_id`, `email`, `hashed_password`, the three flags, the
 * application's fields, `oauth_accounts`, and one field of fastify-users, `email_key` (the
 * folded email its unique index holds), and `created_at` (when fastify-users created it, for
 * listing users; FastAPI Users' documents have none). Keys of a record come in FastAPI Users' order, then
 * `hashed_password`, then the custom fields in their declared order, then `username` for a user
 * who has one (issue 16; `username_key`, the folded username its unique index holds, stays in
 * the document like `email_key`, `created_at` and the embedded accounts).
 */
import type { Binary, Collection, Document } from 'mongodb'
import { foldEmail } from '../../email.ts'
import { foldUsername } from '../../username/rules.ts'
import type { UserRecord } from '../../user.ts'
import type { FieldDefinition, FieldDefinitions } from '../fields.ts'
import { UnsupportedUserIdError } from './errors.ts'
import { decodeField, encodeField } from './fields.ts'
import { uuidString } from './ids.ts'

/**
 * A user document as the driver's types see it: the fields the adapter queries; the mapper
 * reads the others by name.
 */
export type UserDocument = { _id: Binary; email_key?: string; username_key?: string | null; created_at?: Date; roles?: string[]; ban?: Document; oauth_accounts?: Document[] }

/** The users collection. */
export type UserCollection = Collection<UserDocument>

const FLAGS = ['is_active', 'is_superuser', 'is_verified'] as const
/** Pydantic's defaults in FastAPI Users' models, for documents that lack a flag. */
const FLAG_DEFAULTS: Record<(typeof FLAGS)[number], boolean> = { is_active: true, is_superuser: false, is_verified: false }

/** Reads and writes the user documents of one collection with one set of custom fields. */
export class UserDocumentMapper {
  readonly #collection: string
  readonly #fields: ReadonlyArray<[string, FieldDefinition]>

  constructor(collection: string, fields: FieldDefinitions) {
    this.#collection = collection
    this.#fields = Object.entries(fields)
  }

  /** A stored document as a user record. */
  toRecord<U extends UserRecord>(document: Document): U {
    const id = uuidString(document['_id'])
    if (id === null) throw new UnsupportedUserIdError(this.#collection, describeId(document['_id']))
    const record: UserRecord = {
      id,
      email: String(document['email']),
      is_active: flag(document, 'is_active'),
      is_superuser: flag(document, 'is_superuser'),
      is_verified: flag(document, 'is_verified'),
      hashed_password: String(document['hashed_password']),
    }
    for (const [name, field] of this.#fields) {
      record[name] = name in document ? decodeField(field.type, document[name]) : (field.default ?? null)
    }
    if (typeof document['username'] === 'string') record['username'] = document['username']
    return record as U
  }

  /**
   * The fields to write for the keys of `data` that the document holds; other keys, and keys
   * whose value is `undefined`, are left out (so a partial update writes only what it names).
   * A new email comes with its `email_key`.
   *
   * @throws TypeError for a null or non-string email or password hash, or a null flag: MongoDB
   * would store them, and the user could then neither log in nor be found.
   */
  toFields(data: Record<string, unknown>): Document {
    const fields: Document = {}
    for (const name of ['email', 'hashed_password'] as const) {
      const value = data[name]
      if (value === undefined) continue
      if (typeof value !== 'string') throw new TypeError(`${name} must be a string`)
      fields[name] = value
    }
    for (const name of FLAGS) {
      const value = data[name]
      if (value === undefined) continue
      if (value === null) throw new TypeError(`${name} cannot be null`)
      fields[name] = Boolean(value)
    }
    for (const [name, field] of this.#fields) {
      if (data[name] !== undefined) fields[name] = encodeField(field.type, data[name])
    }
    if (typeof fields['email'] === 'string') fields['email_key'] = foldEmail(fields['email'])
    const username = data['username']
    if (username !== undefined) {
      if (username !== null && typeof username !== 'string') throw new TypeError('username must be a string or null')
      // A null key is outside the unique index (its filter takes strings only): users without a username do not collide.
      fields['username'] = username
      fields['username_key'] = username === null ? null : foldUsername(username)
    }
    return fields
  }

  /** A new user's document, every declared field present (its default, or null). */
  newDocument(id: Binary, data: Record<string, unknown>): UserDocument & Document {
    const fields = this.toFields(data)
    if (fields['email'] === undefined || fields['hashed_password'] === undefined) {
      throw new TypeError('a new user needs an email and a password hash')
    }
    const document: UserDocument & Document = {
      _id: id,
      email: fields['email'],
      hashed_password: fields['hashed_password'],
    }
    for (const name of FLAGS) document[name] = fields[name] ?? FLAG_DEFAULTS[name]
    for (const [name, field] of this.#fields) {
      document[name] = name in fields ? fields[name] : (field.default ?? null)
    }
    document['oauth_accounts'] = []
    document['email_key'] = fields['email_key']
    if (typeof fields['username'] === 'string') {
      document['username'] = fields['username']
      document['username_key'] = fields['username_key']
    }
    // Outside the record, like `email_key`: for listing users by creation time.
    document['created_at'] = new Date()
    return document
  }
}

function flag(document: Document, name: (typeof FLAGS)[number]): boolean {
  const value: unknown = document[name]
  return typeof value === 'boolean' ? value : value === undefined || value === null ? FLAG_DEFAULTS[name] : Boolean(value)
}

/** What an unsupported `_id` is, for an error message that reveals no value. */
function describeId(id: unknown): string {
  if (id === undefined) return 'missing'
  if (id === null) return 'null'
  const type = (id as { _bsontype?: unknown })._bsontype
  return `of type ${typeof type === 'string' ? type : typeof id}`
}
