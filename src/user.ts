/**
 * The user model. Base fields are FastAPI Users' (CONTRACT §2.1); an application adds its own
 * fields, which travel through every layer as extra keys of the same object.
 */

/** Fields every user has, as the HTTP API returns them, in FastAPI Users' key order. */
export interface BaseUser {
  id: string
  email: string
  is_active: boolean
  is_superuser: boolean
  is_verified: boolean
}

/** A user as stored: the base fields, the password hash, and the application's own fields. */
export interface UserRecord extends BaseUser {
  hashed_password: string
  [field: string]: unknown
}

/** What an adapter needs to create a user; the adapter generates `id`. */
export interface UserCreateData {
  email: string
  hashed_password: string
  is_active: boolean
  is_superuser: boolean
  is_verified: boolean
  [field: string]: unknown
}

/** A partial change of a stored user; only the keys present are written. */
export type UserUpdateData = Partial<Omit<UserRecord, 'id'>>

/** An account at an OAuth2 provider linked to a user (CONTRACT §2.2, §9.6). */
export interface OAuthAccount {
  id: string
  oauth_name: string
  access_token: string
  expires_at: number | null
  refresh_token: string | null
  account_id: string
  account_email: string
}

export type OAuthAccountCreate = Omit<OAuthAccount, 'id'>
export type OAuthAccountUpdate = Partial<Omit<OAuthAccount, 'id'>>
