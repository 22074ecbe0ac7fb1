/**
 * Context-free signals thrown by pluggable parts (password policy, database adapters, password
 * hashing, token decoding). They are not answered on the wire as they are: the user manager
 * turns them into the `UsersError` of the operation at hand, so that one adapter error can
 * become `REGISTER_USER_ALREADY_EXISTS` in a registration and `UPDATE_USER_EMAIL_ALREADY_EXISTS`
 * in an update.
 */

/**
 * Thrown by a password policy (`validatePassword`) to refuse a password. `reason` reaches the
 * client as is, so it must not contain anything secret.
 */
export class InvalidPasswordError extends Error {
  override readonly name = 'InvalidPasswordError'
  readonly reason: unknown

  constructor(reason: unknown) {
    super(typeof reason === 'string' ? reason : 'invalid password')
    this.reason = reason
  }
}

/** Thrown by a database adapter when an email is already taken, in any letter case. */
export class DuplicateEmailError extends Error {
  override readonly name = 'DuplicateEmailError'

  constructor() {
    super('a user with this email already exists')
  }
}

/** Thrown by a database adapter when a username is already taken, in any ASCII letter case (issue 16). */
export class DuplicateUsernameError extends Error {
  override readonly name = 'DuplicateUsernameError'

  constructor() {
    super('a user with this username already exists')
  }
}

/** Thrown when a stored password hash is in a format that no known hasher recognises. */
export class UnknownHashError extends Error {
  override readonly name = 'UnknownHashError'

  constructor() {
    super('the stored password hash has an unknown format')
  }
}

/** Thrown when a token cannot be used: bad signature, wrong audience, expired, malformed. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError'
  /** `expired` when the token was valid but its `exp` has passed. */
  readonly kind: 'invalid' | 'expired'

  constructor(kind: 'invalid' | 'expired' = 'invalid') {
    super(kind === 'expired' ? 'token expired' : 'invalid token')
    this.kind = kind
  }
}
