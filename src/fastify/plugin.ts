/**
 * `fastifyUsers(options)`: ties a database, authentication backends and a user manager
 * together and hands out the route plugins and the `currentUser` guard (CONTRACT §0).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { AuthenticationBackend } from '../authentication/backend.ts'
import type { UserDatabase } from '../db/types.ts'
import { UserManager, type UserManagerOptions } from '../manager.ts'
import type { RoutesContext } from './context.ts'
import { authenticator } from '../authentication/authenticator.ts'
import { createCurrentUser, type CurrentUserHook, type CurrentUserOptions } from './guard.ts'
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

export interface FastifyUsersOptions {
  db: UserDatabase<User>
  /** Tried in this order to authenticate a request. */
  backends: AuthenticationBackend[]
  /** The manager's secrets, lifetimes, password policy and hooks. */
  manager: Omit<UserManagerOptions<User, FastifyRequest, FastifyReply>, 'db'>
  /** The application's own user fields. */
  fields?: UserFieldSchemas
  /** Brute-force protection and the CSRF check of cookie authentication, on by default (SECURITY.md). */
  security?: SecurityOptions
}

/**
 * What `fastifyUsers(options)` returns: the route plugins to register under your prefixes, the
 * `currentUser` guard for your own routes, the user manager and the TypeBox schemas of the
 * user models.
 */
export interface FastifyUsers {
  /** The user manager the routes use, for your own code. */
  readonly manager: UserManager<User, FastifyRequest, FastifyReply>
  /** The read, create and update models with your own fields, as TypeBox schemas. */
  readonly schemas: UserSchemas
  /** An `onRequest` hook guarding any route; sets `request.user`. */
  currentUser(options?: CurrentUserOptions): CurrentUserHook
  /** `POST /login`, `POST /logout`, `POST /logout-all` of one backend, and `POST /refresh` with refresh tokens. */
  authRoutes(backend: AuthenticationBackend, options?: AuthRoutesOptions): FastifyPluginAsync
  /** `POST /register`. */
  registerRoutes(): FastifyPluginAsync
  /** `POST /forgot-password`, `POST /reset-password`. */
  resetPasswordRoutes(): FastifyPluginAsync
  /** `POST /request-verify-token`, `POST /verify`. */
  verifyRoutes(): FastifyPluginAsync
  /** `GET|PATCH /me`, `GET|PATCH|DELETE /{id}`. */
  usersRoutes(options?: UsersRoutesOptions): FastifyPluginAsync
  /** OAuth login with one provider: `GET /authorize`, `GET /callback` (logs in through `backend`). */
  oauthRoutes(client: OAuthClient, backend: AuthenticationBackend, options: OAuthRoutesOptions): FastifyPluginAsync
  /** Linking a provider account to the current user: `GET /authorize`, `GET /callback`. */
  oauthAssociateRoutes(client: OAuthClient, options: OAuthAssociateRoutesOptions): FastifyPluginAsync
  /** The current user's provider accounts: `GET /me/oauth-accounts`, `DELETE /me/oauth-accounts/{provider}/{account_id}`. */
  oauthAccountsRoutes(options?: OAuthAccountsRoutesOptions): FastifyPluginAsync
}

/**
 * @example
 * const users = fastifyUsers({ db, backends: [jwt], manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET } })
 * app.register(users.authRoutes(jwt), { prefix: '/auth/jwt' })
 * app.register(users.registerRoutes(), { prefix: '/auth' })
 * app.get('/hello', { onRequest: users.currentUser({ active: true }) }, async (request) => `Hello ${request.user.email}`)
 */
export function fastifyUsers(options: FastifyUsersOptions): FastifyUsers {
  checkBackendNames(options.backends)
  const manager = new UserManager<User, FastifyRequest, FastifyReply>({
    ...options.manager,
    db: options.db,
    tokenRevokers: options.manager.tokenRevokers ?? backendRevokers(options.backends),
  })
  const security = createRouteSecurity({ security: options.security, secret: options.manager.resetPasswordTokenSecret })
  // Strategies hand the lookup an id they have already parsed: the database, not the manager's
  // `get`, which would parse it a second time on every authenticated request.
  const authenticate = security.guardAuthenticate(authenticator(options.backends, options.db), options.backends)
  const context: RoutesContext = {
    manager,
    backends: options.backends,
    schemas: buildUserSchemas(options.fields),
    authenticate,
    currentUser: createCurrentUser(authenticate),
    security,
    refreshRoutes: new Map(),
  }
  return {
    manager,
    schemas: context.schemas,
    currentUser: context.currentUser,
    authRoutes: (backend, routeOptions) => authRoutes(context, ownBackend(options.backends, backend), routeOptions),
    registerRoutes: () => registerRoutes(context),
    resetPasswordRoutes: () => resetPasswordRoutes(context),
    verifyRoutes: () => verifyRoutes(context),
    usersRoutes: (routeOptions) => usersRoutes(context, routeOptions),
    oauthRoutes: (client, backend, routeOptions) => oauthRoutes(context, client, ownBackend(options.backends, backend), routeOptions),
    oauthAssociateRoutes: (client, routeOptions) => oauthAssociateRoutes(context, client, routeOptions),
    oauthAccountsRoutes: (routeOptions) => oauthAccountsRoutes(context, routeOptions),
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
