/**
 * fastify-users: ready-to-use, customizable users management for Fastify, wire-compatible with
 * FastAPI Users.
 */
export { fastifyUsers, type FastifyUsers, type FastifyUsersOptions } from './fastify/plugin.ts'
export type { CurrentUserOptions } from './fastify/guard.ts'
export type { Register, User, RequestAuthentication } from './fastify/request.ts'
export type { AuthRoutesOptions } from './fastify/routes/auth.ts'
export type { UsersRoutesOptions } from './fastify/routes/users.ts'
export type { OAuthRoutesOptions } from './fastify/routes/oauth.ts'
export type { OAuthAssociateRoutesOptions } from './fastify/routes/oauth-associate.ts'
export { OAuthAccountSchema, type OAuthRouteOptions } from './fastify/routes/oauth-common.ts'
export type { OAuthClient, OAuthProfile, OAuthTokens } from './oauth/client.ts'
export { buildUserSchemas, type UserFieldSchemas, type UserSchemas } from './fastify/schemas.ts'

export { AuthenticationBackend, type AuthenticationBackendOptions } from './authentication/backend.ts'
export type { Strategy, UserLookup } from './authentication/strategy.ts'
export type { Transport, TokenCarrier, TransportResponse } from './authentication/transport.ts'
export { BearerTransport, type BearerTransportOptions } from './authentication/transports/bearer.ts'
export { CookieTransport, type CookieTransportOptions } from './authentication/transports/cookie.ts'
export { JwtStrategy, type JwtStrategyOptions } from './authentication/strategies/jwt.ts'
export { DatabaseStrategy, type DatabaseStrategyOptions } from './authentication/strategies/database.ts'
export type { TokenStorage } from './opaque-token.ts'
export type { RevocationStore, RevocationState } from './revocation/store.ts'
export type { TokenRevoker, RevokeOptions } from './revocation/revoker.ts'
export { MemoryRevocationStore } from './revocation/memory-store.ts'
export type { RefreshTokenStore, RefreshTokenRecord } from './refresh/store.ts'
export type { RefreshOptions, RefreshCookieOptions } from './refresh/refresh-tokens.ts'
export { MemoryRefreshTokenStore } from './refresh/memory-store.ts'

export { UserManager, type UserManagerOptions, type UserCreateInput, type UserUpdateInput, type UserUpdateOptions, type Credentials } from './manager.ts'
export type { UserManagerHooks, UpdatedFields } from './hooks.ts'
export { PasswordHelper, OWASP_ARGON2ID, type PasswordHasher, type Argon2Parameters } from './password.ts'
export {
  defaultPasswordPolicy,
  MIN_PASSWORD_LENGTH,
  MAX_PASSWORD_LENGTH,
  type PasswordPolicy,
  type PasswordPolicyUser,
} from './password-policy.ts'
export { isCommonPassword } from './common-passwords/index.ts'
export { DEFAULT_RATE_LIMITS, type SecurityOptions, type ProtectedAction, type TrustedDevicesOptions } from './fastify/security/options.ts'
export type { RateLimitStore, WindowCounts } from './security/rate-limit-store.ts'
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from './security/memory-store.ts'
export { SlidingWindowLimiter, type RateLimitRule, type LimitVerdict } from './security/sliding-window.ts'
export { LoginThrottle, DEFAULT_LOGIN_BACKOFF, DEFAULT_DEVICE_BACKOFF, type LoginThrottleOptions, type LoginAttempt } from './security/login-throttle.ts'
export { DeviceProofs, type DeviceProofsOptions } from './security/device-proof.ts'
export { backoffDelay, type BackoffPolicy, type AttemptVerdict, type AttemptUndo } from './security/backoff.ts'
export { clientAddressKey } from './security/client-address.ts'
export { isCrossSiteRequest, parseAllowedOrigins, type CrossSiteRequest } from './security/cross-site.ts'
export { normalizeEmail } from './email.ts'
export { ensureSuperuser, type EnsureSuperuserResult } from './superuser.ts'
export { parseId } from './id.ts'
export {
  ErrorCode,
  FastifyUsersError,
  UsersError,
  ServiceUnavailableError,
  StatusError,
  STATUS_ERRORS,
  type StatusErrorCode,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  ConfigurationError,
  InvalidPasswordError,
  DuplicateEmailError,
  UnknownHashError,
  InvalidTokenError,
  InvalidListQueryError,
  UserBannedError,
  InvalidBanExpiryError,
} from './errors.ts'
export { AUTH_AUDIENCE, RESET_PASSWORD_AUDIENCE, VERIFY_AUDIENCE, OAUTH_STATE_AUDIENCE } from './tokens.ts'
export type { JwtAlgorithm, KeyMaterial } from './jwt/keys.ts'
export type { UserDatabase, AccessTokenDatabase, AccessTokenRecord } from './db/types.ts'
export { isUserListing } from './db/user-listing.ts'
export { hasUserRoles, type UserRoleStorage } from './db/user-roles.ts'
export { hasUserBans, type UserBan, type UserBanStorage } from './db/user-bans.ts'
export { banUser, liftBan, type BanInput } from './ban.ts'
export { defineRoles, permissionsOf, type PermissionOf, type RoleMap, type RoleOf } from './roles.ts'
export type {
  SortOrder,
  UserListEntry,
  UserListFilter,
  UserListing,
  UserListPage,
  UserListPosition,
  UserListQuery,
  UserSortKey,
} from './db/user-listing.ts'
export type { BaseUser, UserRecord, UserCreateData, UserUpdateData, OAuthAccount } from './user.ts'
