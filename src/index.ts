/**
 * fastify-users: ready-to-use, customizable users management for Fastify, wire-compatible with
 * FastAPI Users.
 *
 * The public API: what the README and docs use, and the types their signatures name. The
 * building blocks behind it (rate limiter, backoff, client address, cross-site check, id
 * parsing, token audiences) are internal; `api/` records this surface and `npm test` fails when
 * it changes without `npm run api:update`.
 */
export { fastifyUsers, type FastifyUsers, type FastifyUsersOptions } from './fastify/plugin.ts'
export type { CurrentUserOptions } from './fastify/guard.ts'
export type { Register, User, RequestAuthentication } from './fastify/request.ts'
export type { ApiKeyGrant } from './fastify/api-key-grant.ts'
export type { AuthRoutesOptions } from './fastify/routes/auth.ts'
export type { UsersRoutesOptions } from './fastify/routes/users.ts'
export type { OAuthRoutesOptions } from './fastify/routes/oauth.ts'
export type { OAuthAssociateRoutesOptions } from './fastify/routes/oauth-associate.ts'
export { OAuthAccountSchema, type OAuthRouteOptions } from './fastify/routes/oauth-common.ts'
export { OAuthAccountLinkSchema, type OAuthAccountsRoutesOptions } from './fastify/routes/oauth-accounts.ts'
export type { PasskeyRoutesOptions } from './fastify/routes/passkeys.ts'
export type { OAuthClient, OAuthProfile, OAuthTokens } from './oauth/client.ts'
export type { UserFieldSchemas, UserSchemas } from './fastify/schemas.ts'
export { withNamedSchemas } from './fastify/openapi.ts'
export { notFoundHandler } from './fastify/not-found.ts'

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
export { AuthCache, openAuthCache, type AuthCacheOptions, type CachedToken } from './cache/auth-cache.ts'
export type { InvalidationChannel, InvalidationEvents } from './cache/invalidation-channel.ts'
export { cachedUserDatabase } from './cache/cached-user-database.ts'
export { cachedRevocationStore } from './cache/cached-revocation-store.ts'
export { cachedAccessTokenDatabase, type CachedAccessTokenOptions } from './cache/cached-access-token-database.ts'
export type { RefreshTokenStore, RefreshTokenRecord } from './refresh/store.ts'
export type { RefreshOptions, RefreshCookieOptions } from './refresh/refresh-tokens.ts'
export { MemoryRefreshTokenStore } from './refresh/memory-store.ts'
export type { SessionStore, SessionRecord, SessionRotation } from './sessions/store.ts'
export { MemorySessionStore } from './sessions/memory-store.ts'
export { Sessions, type SessionsOptions, type SessionClient, type SessionStart } from './sessions/sessions.ts'
export type { TwoFactorStore, TwoFactorRecord } from './two-factor/store.ts'
export { MemoryTwoFactorStore } from './two-factor/memory-store.ts'
export {
  TwoFactor,
  DEFAULT_TWO_FACTOR_BACKOFF,
  TWO_FACTOR_CHALLENGE_AUDIENCE,
  type TwoFactorOptions,
  type TwoFactorEnrolment,
  type TwoFactorStatus,
  type TwoFactorChallenge,
  type TwoFactorRefusal,
  type TwoFactorVerifyOptions,
} from './two-factor/two-factor.ts'
export { TwoFactorError, TwoFactorErrorCode } from './two-factor/errors.ts'
export { TwoFactorKeyError } from './two-factor/keys.ts'
export type { MagicLinkStore } from './magic-link/store.ts'
export { MemoryMagicLinkStore } from './magic-link/memory-store.ts'
export { MagicLinks, MAGIC_LINK_AUDIENCE, type MagicLinkOptions, type MagicLinkMessage } from './magic-link/magic-links.ts'
export { MagicLinkError, MAGIC_LINK_BAD_TOKEN } from './magic-link/errors.ts'
export type { PasskeyStore, PasskeyRecord } from './passkeys/store.ts'
export { MemoryPasskeyStore } from './passkeys/memory-store.ts'
export {
  Passkeys,
  type PasskeyOptions,
  type PasskeyCeremony,
  type PasskeyView,
  type PasskeyLogin,
} from './passkeys/passkeys.ts'
export type { PasskeyRegistrationCredential, PasskeyAuthenticationCredential } from './passkeys/credential-json.ts'
export { PASSKEY_CHALLENGE_AUDIENCE } from './passkeys/challenges.ts'
export { PasskeyError, PasskeyErrorCode } from './passkeys/errors.ts'
export { EmailChanges, EMAIL_CHANGE_AUDIENCE, type EmailChangeOptions, type EmailChangeMessage } from './email-change/email-change.ts'
export { EmailChangeError, EMAIL_CHANGE_BAD_TOKEN } from './email-change/errors.ts'
export type { ApiKeyStore, ApiKeyRecord } from './api-keys/store.ts'
export { MemoryApiKeyStore } from './api-keys/memory-store.ts'
export { ApiKeys, DEFAULT_API_KEY_RATE_LIMIT, type ApiKeysOptions, type ApiKeyInput, type CreatedApiKey } from './api-keys/api-keys.ts'
export { ApiKeyError, ApiKeyErrorCode } from './api-keys/errors.ts'
export { ApiKeyStrategy } from './api-keys/strategy.ts'
export { ApiKeyTransport, API_KEY_HEADER } from './api-keys/transport.ts'
export { API_KEY_PREFIX } from './api-keys/key-format.ts'
export {
  DEFAULT_RESERVED_USERNAMES,
  DEFAULT_USERNAME_MAX_LENGTH,
  DEFAULT_USERNAME_MIN_LENGTH,
  DEFAULT_USERNAME_PATTERN,
  foldUsername,
  UsernameRules,
  type UsernameOptions,
} from './username/rules.ts'
export { Usernames, UsernamesUnsupportedError } from './username/usernames.ts'
export { UsernameError, UsernameErrorCode } from './username/errors.ts'
export {
  AuditLog,
  type AuditOptions,
  type AuditLogOptions,
  type AuditRequestFacts,
  type AuditErrorLog,
} from './audit/audit-log.ts'
export {
  AUDIT_EVENT_TYPES,
  type AuditEvent,
  type AuditEventData,
  type AuditEventInput,
  type AuditEventType,
  type LoginFailureReason,
  type LoginMethod,
} from './audit/events.ts'
export type { AuditStore, AuditPage, AuditPageQuery, AuditPosition } from './audit/store.ts'
export { MemoryAuditStore } from './audit/memory-store.ts'

export { UserManager, type UserManagerOptions, type UserCreateInput, type UserUpdateInput, type UserUpdateOptions, type Credentials } from './manager.ts'
export type { UserManagerHooks, UpdatedFields } from './hooks.ts'
export { normalizePassword, PasswordHelper, OWASP_ARGON2ID, type PasswordHasher, type PasswordHelperOptions, type Argon2Parameters } from './password.ts'
export {
  createPasswordPolicy,
  defaultPasswordPolicy,
  MIN_PASSWORD_LENGTH,
  MAX_PASSWORD_LENGTH,
  type PasswordPolicy,
  type PasswordPolicyOptions,
  type PasswordPolicyUser,
} from './password-policy.ts'
export { isCommonPassword } from './common-passwords/index.ts'
export { DEFAULT_RATE_LIMITS, type SecurityOptions, type ProtectedAction, type TrustedDevicesOptions } from './fastify/security/options.ts'
export { DEFAULT_MAX_JSON_DEPTH } from './fastify/security/body-parsing.ts'
export type { RateLimitStore, WindowCounts } from './security/rate-limit-store.ts'
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from './security/memory-store.ts'
export type { RateLimitRule } from './security/sliding-window.ts'
export { DEFAULT_LOGIN_BACKOFF, DEFAULT_DEVICE_BACKOFF } from './security/login-throttle.ts'
export { DEFAULT_MAIL_THROTTLE, type MailThrottleOptions } from './security/mail-throttle.ts'
export type { BackoffPolicy } from './security/backoff.ts'
export { normalizeEmail } from './email.ts'
export { checkHealth, type HealthProbe, type HealthReport, type HealthCheckOptions } from './health.ts'
export { asServiceUnavailable, isStoreUnavailable } from './store-unavailable.ts'
export { ensureSuperuser, type EnsureSuperuserResult } from './superuser.ts'
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
  DuplicateUsernameError,
  UnknownHashError,
  InvalidTokenError,
  InvalidListQueryError,
  UserBannedError,
  InvalidBanExpiryError,
} from './errors.ts'
export { Mailer, type MailerOptions, type MailMessage, type MailTransport } from './mail/mailer.ts'
export { smtpTransport } from './mail/smtp.ts'
export {
  DEFAULT_MAIL_TEMPLATES,
  type MailContext,
  type MailKind,
  type MailTemplate,
  type MailTemplates,
  type RenderedMail,
} from './mail/templates.ts'
export { DatabaseStartupError } from './db/startup-error.ts'
export { MissingDependencyError } from './optional-dependency.ts'
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
