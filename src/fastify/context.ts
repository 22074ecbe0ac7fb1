/**
 * What the route plugins share: the manager, the authenticator and the schemas. Each route
 * plugin is encapsulated (its validator and error handler stay inside it) so an application's
 * own routes keep Fastify's defaults.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AuthenticationBackend } from '../authentication/backend.ts'
import type { TransportResponse } from '../authentication/transport.ts'
import type { UserManager } from '../manager.ts'
import type { EmailChanges } from '../email-change/email-change.ts'
import type { MagicLinks } from '../magic-link/magic-links.ts'
import type { Passkeys } from '../passkeys/passkeys.ts'
import type { TwoFactor } from '../two-factor/two-factor.ts'
import type { ApiKeys } from '../api-keys/api-keys.ts'
import { errorHandler } from './error-handler.ts'
import type { Authenticate, CurrentUserHook, CurrentUserOptions } from './guard.ts'
import type { User } from './request.ts'
import type { RoleAccess } from './role-access.ts'
import type { UserBanStorage } from '../db/user-bans.ts'
import type { Sessions } from '../sessions/sessions.ts'
import type { UserSchemas } from './schemas.ts'
import { installBodyRules } from './security/body-parsing.ts'
import type { RouteSecurity } from './security/route-security.ts'
import { validatorCompiler } from './validation.ts'

export interface RoutesContext {
  manager: UserManager<User, FastifyRequest, FastifyReply>
  backends: AuthenticationBackend[]
  schemas: UserSchemas
  authenticate: Authenticate
  currentUser(options?: CurrentUserOptions): CurrentUserHook
  /** Brute-force protection and the CSRF check (the `security` option). */
  security: RouteSecurity
  /**
   * The refresh route of each backend with refresh tokens whose auth routes are registered
   * (the first registration's), for the logins made elsewhere: the OAuth callback.
   */
  refreshRoutes: Map<AuthenticationBackend, string>
  /** TOTP two-factor (the `twoFactor` option), or `null`. */
  twoFactor: TwoFactor | null
  /** Magic links (the `magicLink` option), or `null`. */
  magicLinks: MagicLinks<User> | null
  /** Passkeys (the `passkeys` option), or `null`. */
  passkeys: Passkeys<User> | null
  /** Verified email change (the `emailChange` option), or `null`. */
  emailChanges: EmailChanges<User, FastifyRequest> | null
  /** The configured roles and their storage; `null` without the `roles` option. */
  roles: RoleAccess | null
  /** The bans of the user database, when it stores them (src/ban.ts). */
  bans: UserBanStorage<User> | null
  /**
   * API keys (the `apiKeys` option), or `null`. `authenticate` and `currentUser` above never
   * accept a key: the library's own routes manage the account and need a session.
   */
  apiKeys: ApiKeys | null
  /** Session recording (the `sessions` option, docs/sessions.md), or `null`. */
  sessions: Sessions | null
}

/**
 * The settings every route plugin of fastify-users starts with; closing the server waits for
 * the audit events still queued (src/audit/audit-log.ts).
 */
export function prepareScope(app: FastifyInstance, context: Pick<RoutesContext, 'security' | 'manager'>): void {
  app.setValidatorCompiler(validatorCompiler)
  app.setErrorHandler(errorHandler)
  installBodyRules(app, context.security.maxJsonDepth)
  app.addHook('onClose', () => context.manager.audit.flush())
}

/** Sends a transport's response description. */
export function sendTransportResponse(reply: FastifyReply, response: TransportResponse): FastifyReply {
  reply.code(response.statusCode)
  if (response.setCookies) reply.header('set-cookie', response.setCookies)
  return response.body === undefined ? reply.send() : reply.send(response.body)
}

/** Sends the JSON literal `null`, as FastAPI does for routes that return nothing (CONTRACT §3). */
export function sendNull(reply: FastifyReply, statusCode: number): FastifyReply {
  return reply.code(statusCode).type('application/json').send('null')
}
