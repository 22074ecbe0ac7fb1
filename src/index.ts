/**
 * fastify-users: ready-to-use, customizable users management for Fastify, wire-compatible with
 * FastAPI Users.
 */
export { fastifyUsers, type FastifyUsers, type FastifyUsersOptions } from './fastify/plugin.ts'
export type { CurrentUserOptions } from './fastify/guard.ts'
export type { Register, User, RequestAuthentication } from './fastify/request.ts'
export type { AuthRoutesOptions } from './fastify/routes/auth.ts'
export type { UsersRoutesOptions } from './fastify/routes/users.ts'
export { buildUserSchemas, type UserFieldSchemas, type UserSchemas } from './fastify/schemas.ts'

export { AuthenticationBackend, type AuthenticationBackendOptions } from './authentication/backend.ts'
export type { Strategy, UserLookup } from './authentication/strategy.ts'
export type { Transport, TokenCarrier, TransportResponse } from './authentication/transport.ts'
export { BearerTransport, type BearerTransportOptions } from './authentication/transports/bearer.ts'
export { CookieTransport, type CookieTransportOptions } from './authentication/transports/cookie.ts'
export { JwtStrategy, type JwtStrategyOptions } from './authentication/strategies/jwt.ts'

export { UserManager, type UserManagerOptions, type UserCreateInput, type UserUpdateInput, type Credentials } from './manager.ts'
export type { UserManagerHooks, UpdatedFields } from './hooks.ts'
export { PasswordHelper, OWASP_ARGON2ID, type PasswordHasher, type Argon2Parameters } from './password.ts'
export { defaultPasswordPolicy, type PasswordPolicy, type PasswordPolicyUser } from './password-policy.ts'
export { normalizeEmail } from './email.ts'
export { ensureSuperuser, type EnsureSuperuserResult } from './superuser.ts'
export { parseId } from './id.ts'
export {
  ErrorCode,
  UsersError,
  InvalidPasswordError,
  DuplicateEmailError,
  UnknownHashError,
  InvalidTokenError,
} from './errors.ts'
export { AUTH_AUDIENCE, RESET_PASSWORD_AUDIENCE, VERIFY_AUDIENCE, OAUTH_STATE_AUDIENCE } from './tokens.ts'
export type { JwtAlgorithm, KeyMaterial } from './jwt/keys.ts'
export type { UserDatabase, AccessTokenDatabase, AccessTokenRecord } from './db/types.ts'
export type { BaseUser, UserRecord, UserCreateData, UserUpdateData, OAuthAccount } from './user.ts'
