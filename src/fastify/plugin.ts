/**
 * `fastifyUsers(options)`: ties a database, authentication backends and a user manager
 * together and hands out the route plugins and the `currentUser` guard (CONTRACT §0).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { AuditOptions } from '../audit/audit-log.ts'
import { AuthenticationBackend } from '../authentication/backend.ts'
import type { UserDatabase } from '../db/types.ts'
import { UserManager, type UserManagerOptions } from '../manager.ts'
import { PasswordHelper } from '../password.ts'
import { describeAuditRequest } from './audit-request.ts'
import type { RoutesContext } from './context.ts'
import { authenticator } from '../authentication/authenticator.ts'
import { createCurrentUser, type CurrentUserHook, type CurrentUserOptions } from './guard.ts'
import { createRoleAccess } from './role-access.ts'
import { hasUserBans } from '../db/user-bans.ts'
import type { PermissionOf, RoleMap, RoleOf } from '../roles.ts'
import type { User } from './request.ts'
import { authRoutes, type AuthRoutesOptions } from './routes/auth.ts'
import { oauthRoutes, type OAuthRoutesOptions } from './routes/oauth.ts'
import { oauthAssociateRoutes, type OAuthAssociateRoutesOptions } from './routes/oauth-associate.ts'
import { oauthAccountsRoutes, type OAuthAccountsRoutesOptions } from './routes/oauth-accounts.ts'
import type { OAuthClient } from '../oauth/client.ts'
import { registerRoutes } from './routes/register.ts'
import { resetPasswordRoutes } from './routes/reset.ts'
import { usersRoutes, type UsersRoutesOptions } from './routes/users.ts'
import { verifyRoutes } from './routes/verify.ts'
import { buildUserSchemas, type UserFieldSchemas, type UserSchemas } from './schemas.ts'
import type { SecurityOptions } from './security/options.ts'
import { createRouteSecurity } from './security/route-security.ts'
import { backendRevokers } from '../authentication/revokers.ts'
import type { TokenRevoker } from '../revocation/revoker.ts'
import { TwoFactor, type TwoFactorOptions } from '../two-factor/two-factor.ts'
import { twoFactorRoutes } from './routes/two-factor.ts'
import { MagicLinks, type MagicLinkOptions } from '../magic-link/magic-links.ts'
import { magicLinkRoutes } from './routes/magic-link.ts'
import { Passkeys, type PasskeyOptions } from '../passkeys/passkeys.ts'
import { passkeyAccountRoutes, passkeyRoutes, type PasskeyRoutesOptions } from './routes/passkeys.ts'
import { EmailChanges, type EmailChangeOptions } from '../email-change/email-change.ts'
import { emailChangeRoutes } from './routes/email-change.ts'
import { ApiKeys, type ApiKeysOptions } from '../api-keys/api-keys.ts'
import { ApiKeyStrategy } from '../api-keys/strategy.ts'
import { ApiKeyTransport } from '../api-keys/transport.ts'
import type { UsernameOptions } from '../username/rules.ts'
import { Sessions, type SessionsOptions } from '../sessions/sessions.ts'
import { sessionUse } from './session-recording.ts'

export interface FastifyUsersOptions {
  db: UserDatabase<User>
  /** Tried in this order to authenticate a request. */
  backends: AuthenticationBackend[]
  /** The manager's secrets, lifetimes, password policy and hooks. */
  manager: Omit<UserManagerOptions<User, FastifyRequest, FastifyReply>, 'db' | 'usernames' | 'audit'>
  /** The application's own user fields. */
  fields?: UserFieldSchemas
  /** Brute-force protection and the CSRF check of cookie authentication, on by default (SECURITY.md). */
  security?: SecurityOptions
  /**
   * Opt-in TOTP two-factor (src/two-factor/): logins of users who turned it on answer a
   * challenge, completed at each backend's `/2fa/verify`; `twoFactorRoutes()` manages it.
   */
  twoFactor?: TwoFactorOptions
  /**
   * Opt-in magic links (src/magic-link/): `magicLinkRoutes()` mails them, and each backend's
   * `/magic-link/login` logs their user in.
   */
  magicLink?: MagicLinkOptions<User, FastifyRequest>
  /**
   * Opt-in passkeys (src/passkeys/, docs/passkeys.md): `passkeyRoutes()` registers them and
   * starts logins, each backend's `/passkey/login` completes one, `passkeyAccountRoutes()`
   * lists, renames and deletes them. Needs the optional package `@simplewebauthn/server`.
   */
  passkeys?: PasskeyOptions
  /**
   * Opt-in verified email change (src/email-change/): `PATCH /users/me` mails a token to the
   * new address instead of changing it; `emailChangeRoutes()` takes the token back.
   */
  emailChange?: EmailChangeOptions<User, FastifyRequest>
  /**
   * Roles and the permissions each grants (issue 15; `defineRoles`): turns on the roles guard
   * options, the roles routes of superusers and `roles` in `GET /users/me`. Off by default.
   */
  roles?: RoleMap
  /**
   * Opt-in API keys (src/api-keys/, docs/api-keys.md): `usersRoutes({ apiKeys: true })` lets
   * users create and revoke them, and `currentUser()` accepts them on the application's routes
   * (`X-API-Key` or `Authorization: Bearer fuk_…`). Off by default.
   */
  apiKeys?: ApiKeysOptions
  /**
   * Opt-in usernames (issue 16, docs/usernames.md): `username` in the user models, taken at
   * registration (optional unless `required`) and in both `PATCH` routes, unique in any letter
   * case; the login form's `username` then takes the email or the username. `true` takes the
   * default rules. Off by default: the models stay FastAPI Users' exactly.
   */
  usernames?: UsernameOptions | boolean
  /**
   * Opt-in session recording (docs/sessions.md): logins record their sessions (database and
   * Redis tokens, refresh-token families) so that `usersRoutes({ sessions: true })` lists and
   * ends them. Off by default.
   */
  sessions?: SessionsOptions
  /**
   * Keeps the security events (docs/audit-log.md) in a store, for `usersRoutes({ events: true })`
   * and your own queries; the `onAuditEvent` hook of `manager` receives them with or without it.
   */
  audit?: AuditOptions
}

/**
 * What `fastifyUsers(options)` returns: the route plugins to register under your prefixes, the
 * `currentUser` guard for your own routes, the user manager and the TypeBox schemas of the
 * user models.
 */
export interface FastifyUsers<R extends string = string, P extends string = string> {
  /** The user manager the routes use, for your own code. */
  readonly manager: UserManager<User, FastifyRequest, FastifyReply>
  /** The read, create and update models with your own fields, as TypeBox schemas. */
  readonly schemas: UserSchemas
  /** An `onRequest` hook guarding any route; sets `request.user`. */
  currentUser(options?: CurrentUserOptions<R, P>): CurrentUserHook
  /** `POST /login`, `POST /logout`, `POST /logout-all` of one backend, and `POST /refresh` with refresh tokens. */
  authRoutes(backend: AuthenticationBackend, options?: AuthRoutesOptions): FastifyPluginAsync
  /** `POST /register`. */
  registerRoutes(): FastifyPluginAsync
  /** `POST /forgot-password`, `POST /reset-password`. */
  resetPasswordRoutes(): FastifyPluginAsync
  /** `POST /request-verify-token`, `POST /verify`. */
  verifyRoutes(): FastifyPluginAsync
  /**
   * `GET|PATCH /me`, `GET|PATCH|DELETE /{id}`; `GET /` with `list`, `GET|PUT|DELETE /{id}/ban`
   * with `bans`, `GET|PUT /{id}/roles` when roles are configured (issue 15).
   */
  usersRoutes(options?: UsersRoutesOptions): FastifyPluginAsync
  /** OAuth login with one provider: `GET /authorize`, `GET /callback` (logs in through `backend`). */
  oauthRoutes(client: OAuthClient, backend: AuthenticationBackend, options: OAuthRoutesOptions): FastifyPluginAsync
  /** Linking a provider account to the current user: `GET /authorize`, `GET /callback`. */
  oauthAssociateRoutes(client: OAuthClient, options: OAuthAssociateRoutesOptions): FastifyPluginAsync
  /** The current user's provider accounts: `GET /me/oauth-accounts`, `DELETE /me/oauth-accounts/{provider}/{account_id}`. */
  oauthAccountsRoutes(options?: OAuthAccountsRoutesOptions): FastifyPluginAsync
  /** The current user's two-factor: `GET /`, `POST /enrol|/confirm|/disable|/recovery-codes`. Needs `twoFactor`. */
  twoFactorRoutes(): FastifyPluginAsync
  /** `POST /magic-link`. Needs `magicLink`. */
  magicLinkRoutes(): FastifyPluginAsync
  /** `POST /register/options`, `POST /register`, `POST /login/options`. Needs `passkeys`. */
  passkeyRoutes(options?: PasskeyRoutesOptions): FastifyPluginAsync
  /** `GET /me/passkeys`, `PATCH|DELETE /me/passkeys/{id}`, under the users prefix. Needs `passkeys`. */
  passkeyAccountRoutes(options?: PasskeyRoutesOptions): FastifyPluginAsync
  /** `POST /email-change/confirm`. Needs `emailChange`. */
  emailChangeRoutes(): FastifyPluginAsync
  /**
   * The backend of API keys (`apiKeys` option), or `null`: `currentUser()` tries it first by
   * default; name it in `currentUser({ backends })` to choose.
   */
  readonly apiKeyBackend: AuthenticationBackend | null
}

/**
 * @example
 * const users = fastifyUsers({ db, backends: [jwt], manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET } })
 * app.register(users.authRoutes(jwt), { prefix: '/auth/jwt' })
 * app.register(users.registerRoutes(), { prefix: '/auth' })
 * app.get('/hello', { onRequest: users.currentUser({ active: true }) }, async (request) => `Hello ${request.user.email}`)
 */
export function fastifyUsers<const C extends RoleMap = RoleMap>(
  options: FastifyUsersOptions & { roles?: C },
): FastifyUsers<RoleOf<C>, PermissionOf<C>> {
  checkBackendNames(options.backends)
  const passwordHelper = options.manager.passwordHelper ?? new PasswordHelper()
  const twoFactor = options.twoFactor === undefined
    ? null
    : new TwoFactor({ ...options.twoFactor, throttleStore: options.twoFactor.throttleStore ?? options.security?.store }, passwordHelper)
  const apiKeys = options.apiKeys === undefined
    ? null
    : new ApiKeys({ ...options.apiKeys, rateLimitStore: options.apiKeys.rateLimitStore ?? options.security?.store })
  const apiKeyBackend = apiKeys === null
    ? null
    : new AuthenticationBackend({ name: 'api_key', transport: new ApiKeyTransport(), strategy: new ApiKeyStrategy(apiKeys) })
  if (apiKeyBackend !== null) checkBackendNames([...options.backends, apiKeyBackend])
  const tokenRevokers = options.manager.tokenRevokers ?? backendRevokers(options.backends)
  const passkeys = options.passkeys === undefined
    ? null
    : new Passkeys<User>(options.passkeys, (id) => manager.get(id), options.manager.verificationTokenSecret)
  const sessions = options.sessions === undefined ? null : new Sessions(options.sessions)
  // A deleted user's two-factor record, passkeys and API keys go with the user; "log out
  // everywhere" ends the sessions' records.
  const forgetters: TokenRevoker[] = [
    ...(twoFactor === null ? [] : [twoFactor]),
    ...(passkeys === null ? [] : [passkeys]),
    ...(apiKeys === null ? [] : [apiKeys]),
    ...(sessions === null ? [] : [sessions]),
  ]
  const manager = new UserManager<User, FastifyRequest, FastifyReply>({
    ...options.manager,
    passwordHelper,
    db: options.db,
    usernames: options.usernames ?? false,
    audit: { ...options.audit, describeRequest: describeAuditRequest },
    tokenRevokers: [...tokenRevokers, ...forgetters],
  })
  const usernames = manager.usernames
  const security = createRouteSecurity({
    security: options.security,
    secret: options.manager.resetPasswordTokenSecret,
    // Guesses through an account's username and through its email share one count.
    loginName: usernames === null ? undefined : (login) => usernames.accountName(login),
  })
  // Strategies hand the lookup an id they have already parsed: the database, not the manager's
  // `get`, which would parse it a second time on every authenticated request.
  const authenticate = security.guardAuthenticate(authenticator(options.backends, options.db), options.backends)
  const roles = createRoleAccess(options.roles, options.db)
  // The application's guard also accepts API keys, tried first: a key is recognisable by its
  // prefix, so a valid one is settled before any other backend's strategy looks at it. The
  // library's own routes keep `authenticate`: they manage the account, and take sessions only.
  const publicBackends = apiKeyBackend === null ? options.backends : [apiKeyBackend, ...options.backends]
  const publicCurrentUser = apiKeyBackend === null
    ? createCurrentUser(authenticate, roles)
    : createCurrentUser(security.guardAuthenticate(authenticator(publicBackends, options.db), publicBackends), roles)
  const context: RoutesContext = {
    manager,
    backends: options.backends,
    schemas: buildUserSchemas(options.fields, usernames?.rules ?? null),
    authenticate,
    currentUser: createCurrentUser(authenticate, roles, sessions === null ? null : sessionUse(sessions)),
    security,
    refreshRoutes: new Map(),
    twoFactor,
    magicLinks: options.magicLink === undefined
      ? null
      : new MagicLinks<User, FastifyRequest>(options.magicLink, manager, options.manager.verificationTokenSecret),
    passkeys,
    emailChanges: options.emailChange === undefined
      ? null
      : new EmailChanges<User, FastifyRequest>(options.emailChange, manager, options.manager.verificationTokenSecret),
    roles,
    bans: hasUserBans<User>(options.db) ? options.db : null,
    apiKeys,
    sessions,
  }
  return {
    manager,
    schemas: context.schemas,
    currentUser: publicCurrentUser,
    apiKeyBackend,
    authRoutes: (backend, routeOptions) => authRoutes(context, ownBackend(options.backends, backend), routeOptions),
    registerRoutes: () => registerRoutes(context),
    resetPasswordRoutes: () => resetPasswordRoutes(context),
    verifyRoutes: () => verifyRoutes(context),
    usersRoutes: (routeOptions) => usersRoutes(context, routeOptions),
    oauthRoutes: (client, backend, routeOptions) => oauthRoutes(context, client, ownBackend(options.backends, backend), routeOptions),
    oauthAssociateRoutes: (client, routeOptions) => oauthAssociateRoutes(context, client, routeOptions),
    oauthAccountsRoutes: (routeOptions) => oauthAccountsRoutes(context, routeOptions),
    twoFactorRoutes: () => {
      if (context.twoFactor === null) throw new TypeError('twoFactorRoutes() needs the twoFactor option of fastifyUsers()')
      return twoFactorRoutes(context, context.twoFactor)
    },
    magicLinkRoutes: () => {
      if (context.magicLinks === null) throw new TypeError('magicLinkRoutes() needs the magicLink option of fastifyUsers()')
      return magicLinkRoutes(context, context.magicLinks)
    },
    passkeyRoutes: (routeOptions) => {
      if (context.passkeys === null) throw new TypeError('passkeyRoutes() needs the passkeys option of fastifyUsers()')
      return passkeyRoutes(context, context.passkeys, routeOptions)
    },
    passkeyAccountRoutes: (routeOptions) => {
      if (context.passkeys === null) throw new TypeError('passkeyAccountRoutes() needs the passkeys option of fastifyUsers()')
      return passkeyAccountRoutes(context, context.passkeys, routeOptions)
    },
    emailChangeRoutes: () => {
      if (context.emailChanges === null) throw new TypeError('emailChangeRoutes() needs the emailChange option of fastifyUsers()')
      return emailChangeRoutes(context, context.emailChanges)
    },
  }
}

/** A route plugin logs in only through a backend that `currentUser` also authenticates with. */
function ownBackend(backends: AuthenticationBackend[], backend: AuthenticationBackend): AuthenticationBackend {
  if (!backends.includes(backend)) throw new TypeError(`backend "${backend.name}" is not among fastifyUsers' backends`)
  return backend
}

/** Backend names name routes and security schemes, so they must stay distinct (CONTRACT §4). */
function checkBackendNames(backends: AuthenticationBackend[]): void {
  const seen = new Set<string>()
  for (const backend of backends) {
    const key = backend.name.replace(/[^0-9A-Za-z_]/g, '')
    if (seen.has(key)) throw new TypeError(`two backends share the name "${backend.name}"`)
    seen.add(key)
  }
}
