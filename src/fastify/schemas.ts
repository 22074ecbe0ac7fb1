/**
 * TypeBox schemas of the user models (CONTRACT §2.2), composed with the application's own
 * fields. They drive request validation, response serialization and the OpenAPI document at
 * once; the read model has no `hashed_password`, so no response can carry it. Their titles are
 * FastAPI Users' model names, which `withNamedSchemas` turns into named OpenAPI components.
 */
import { Type, type TObject, type TProperties } from 'typebox'
import type { UsernameRules } from '../username/rules.ts'
import { EMAIL_KEYWORD } from './validation.ts'

/** The application's extra fields, per model, as TypeBox property maps. */
export interface UserFieldSchemas {
  read?: TProperties
  create?: TProperties
  update?: TProperties
}

export interface UserSchemas {
  /** What every route returns for a user. */
  read: TObject<ReturnType<typeof readProperties>>
  /** `POST /register`. */
  create: TObject<ReturnType<typeof createProperties>>
  /** `PATCH /users/{id}` (superuser): every field may be set, none to `null`. */
  update: TObject<ReturnType<typeof updateProperties>>
  /** `PATCH /users/me`: the privileged fields are accepted and ignored, `null` included, as upstream. */
  updateSelf: TObject<ReturnType<typeof updateSelfProperties>>
}

const emailInput = () => Type.String({ [EMAIL_KEYWORD]: true, maxLength: 640, format: 'email' })
const nullableFlag = () => Type.Optional(Type.Union([Type.Boolean(), Type.Null()]))

// The models' own properties; the application's fields are spread over them, and their types
// are the application's to declare (`Register`), so the route bodies are typed by these.
const readProperties = () => ({
  id: Type.String({ format: 'uuid' }),
  email: Type.String({ format: 'email' }),
  is_active: Type.Boolean(),
  is_superuser: Type.Boolean(),
  is_verified: Type.Boolean(),
})
const createProperties = () => ({
  email: emailInput(),
  password: Type.String(),
  is_active: nullableFlag(),
  is_superuser: nullableFlag(),
  is_verified: nullableFlag(),
})
const updateCommon = () => ({
  password: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  email: Type.Optional(emailInput()),
})
const updateProperties = () => ({
  ...updateCommon(),
  is_active: Type.Optional(Type.Boolean()),
  is_superuser: Type.Optional(Type.Boolean()),
  is_verified: Type.Optional(Type.Boolean()),
})
const updateSelfProperties = () => ({
  ...updateCommon(),
  // Checked against the stored hash when present (deliberate difference 13); never stored.
  current_password: Type.Optional(Type.String({ maxLength: 4096 })),
  is_active: nullableFlag(),
  is_superuser: nullableFlag(),
  is_verified: nullableFlag(),
})

// The username rules run in the user manager (a 400 with their reason, as a refused password);
// the schemas only refuse what no rule could accept, cheaply.
const usernameInput = () => Type.String({ minLength: 1, maxLength: 1024 })

/** `username` in each model when usernames are on (issue 16); nothing otherwise. */
function usernameProperties(rules: UsernameRules | null): Record<'read' | 'create' | 'update', TProperties> {
  if (rules === null) return { read: {}, create: {}, update: {} }
  const nullable = Type.Union([usernameInput(), Type.Null()])
  return {
    // Always in the answer when on: `null` for a user without one (whose record has no such key).
    read: { username: Type.Union([Type.String(), Type.Null()], { default: null }) },
    create: { username: rules.required ? usernameInput() : Type.Optional(nullable) },
    update: { username: Type.Optional(nullable) },
  }
}

/**
 * The user models with the application's fields, and `username` when `usernames` are given.
 *
 * @example
 * const schemas = buildUserSchemas({ read: { first_name: Type.String() } })
 */
export function buildUserSchemas(fields: UserFieldSchemas = {}, usernames: UsernameRules | null = null): UserSchemas {
  const named = usernameProperties(usernames)
  const read = Type.Object({ ...readProperties(), ...named.read, ...fields.read }, { title: 'UserRead' })
  const create = Type.Object({ ...createProperties(), ...named.create, ...fields.create }, { title: 'UserCreate' })
  const update = Type.Object({ ...updateProperties(), ...named.update, ...fields.update }, { title: 'UserUpdateBySuperuser' })
  const updateSelf = Type.Object({ ...updateSelfProperties(), ...named.update, ...fields.update }, { title: 'UserUpdate' })
  return { read, create, update, updateSelf }
}

export const EmailBody = Type.Object({ email: emailInput() }, { title: 'EmailRequest' })
export const TokenBody = Type.Object({ token: Type.String() }, { title: 'VerifyRequest' })
export const ResetPasswordBody = Type.Object({ token: Type.String(), password: Type.String() }, { title: 'ResetPasswordRequest' })
// The maximum lengths only refuse absurd input cheaply, before any lookup or hashing: no stored
// email is longer than 320 characters, and new passwords stop at 1024 (the password policy).
export const LoginForm = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 1024 }),
  password: Type.String({ minLength: 1, maxLength: 4096 }),
  grant_type: Type.Optional(Type.String({ pattern: '^password$' })),
  scope: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  client_secret: Type.Optional(Type.String()),
}, { title: 'OAuth2PasswordRequestForm' })
/** A bearer login's answer; `refresh_token` only with refresh tokens (fastify-users' addition). */
export const BearerResponse = Type.Object(
  { access_token: Type.String(), token_type: Type.String(), refresh_token: Type.Optional(Type.String()) },
  { title: 'BearerResponse' },
)
/** Every error but a 422: an error code, `{"code", "reason"}`, or a status's reason phrase. */
export const ErrorResponse = Type.Object(
  { detail: Type.Union([Type.String(), Type.Record(Type.String(), Type.String())]) },
  { title: 'ErrorModel' },
)
/** A 422: FastAPI's request-validation body. */
export const ValidationErrorResponse = Type.Object(
  {
    detail: Type.Array(
      Type.Object(
        { loc: Type.Array(Type.Union([Type.String(), Type.Integer()])), msg: Type.String(), type: Type.String() },
        { title: 'ValidationError' },
      ),
    ),
  },
  { title: 'HTTPValidationError' },
)
export const NullResponse = Type.Null()
