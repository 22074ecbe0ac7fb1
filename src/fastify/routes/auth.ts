/**
 * Auth routes of one backend (CONTRACT §5.1): `POST /login` with an OAuth2 password form
 * (urlencoded or multipart, never JSON) and `POST /logout`; beyond FastAPI Users, `POST
 * /logout-all` (logout-all.ts) and, with refresh tokens, `POST /refresh` (refresh.ts).
 */
import formbody from '@fastify/formbody'
import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { BearerTransport } from '../../authentication/transports/bearer.ts'
import { checkLoginBan } from '../../ban.ts'
import { ErrorCode, UnknownHashError, UsersError } from '../../errors.ts'
import { prepareScope, sendTransportResponse, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { BearerResponse, ErrorResponse, LoginForm, ValidationErrorResponse } from '../schemas.ts'
import { registerLogoutAllRoute } from './logout-all.ts'
import { refreshRouteOf, registerRefreshRoute } from './refresh.ts'
import { registerMagicLinkLoginRoute } from './magic-link.ts'
import { registerPasskeyLoginRoute } from './passkey-login.ts'
import { CHALLENGE_RESPONSE, loggedIn, registerTwoFactorVerifyRoute, startSession } from './two-factor-login.ts'
import { sessionOptions } from '../session-recording.ts'

export interface AuthRoutesOptions {
  /** Refuse unverified users at login (400 `LOGIN_USER_NOT_VERIFIED`) and logout (403). */
  requiresVerification?: boolean
}

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']

export function authRoutes(
  context: RoutesContext,
  backend: AuthenticationBackend,
  options: AuthRoutesOptions = {},
): FastifyPluginAsync {
  const { manager } = context
  const requiresVerification = options.requiresVerification ?? false
  const tags = [`auth:${backend.name}`]
  const login = backend.transport.loginResponse('token')
  const security = [{ [backend.name]: [] }]

  return async function authPlugin(scope: FastifyInstance) {
    prepareScope(scope, context)
    await scope.register(formbody)
    await scope.register(multipart, { attachFieldsToBody: 'keyValues', limits: { files: 0, fields: 10 } })
    const refreshRoute = refreshRouteOf(scope, context, backend)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()

    app.post('/login', {
      schema: {
        operationId: `auth:${backend.name}.login`,
        tags,
        summary: 'Log in with an email and a password',
        consumes: ['application/x-www-form-urlencoded'],
        body: LoginForm,
        response: {
          [login.statusCode]: login.body === undefined ? Type.Null() : backend.transport instanceof BearerTransport ? BearerResponse : Type.Unknown(),
          ...(context.twoFactor === null ? {} : CHALLENGE_RESPONSE),
          400: ErrorResponse,
          422: ValidationErrorResponse,
        },
      },
      ...context.security.routeHooks('login', backend),
      // A JSON body is a 422 as in FastAPI, whose form fields are then simply missing.
      preValidation: async (request) => {
        const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
        if (!FORM_TYPES.includes(type)) {
          throw Object.assign(new Error('login takes a form'), {
            validation: [{ keyword: 'required', instancePath: '', params: { missingProperty: 'username' } }],
            validationContext: 'body',
          })
        }
      },
    }, async (request, reply) => {
      const form = request.body
      let user: User | null
      try {
        // Audits its own refusals (`login.failed`): only it knows whether the email has an account.
        user = await manager.authenticate(form, request)
      } catch (error) {
        if (!(error instanceof UnknownHashError)) throw error
        request.log.warn({ email: form.username }, 'login refused: the stored password hash has an unknown format')
        user = null
      }
      // The right password of an inactive user: a banned one hears so (issue 15, src/ban.ts).
      if (user && !user.is_active && context.bans !== null) user = await checkLoginBan(manager, context.bans, user, request)
      if (!user || !user.is_active) {
        if (user) manager.audit.emit({ type: 'login.failed', user_id: user.id, data: { reason: 'inactive' } }, request)
        const lockoutSeconds = context.security.loginFailed(request)
        if (lockoutSeconds !== null) await auditLockout(context, form.username, lockoutSeconds, request)
        throw new UsersError(ErrorCode.LOGIN_BAD_CREDENTIALS)
      }
      // The right password, even for an unverified user: the failures are forgotten.
      await context.security.loginSucceeded(request)
      if (requiresVerification && !user.is_verified) {
        manager.audit.emit({ type: 'login.failed', user_id: user.id, data: { reason: 'unverified' } }, request)
        throw new UsersError(ErrorCode.LOGIN_USER_NOT_VERIFIED)
      }
      const response = await startSession(context, backend, user, { refreshRoute, ...sessionOptions(context.sessions, request) })
      // A challenged login is not one yet: the hook runs when the second factor completes it.
      if (!response.challenged) await loggedIn(context, user, { method: 'password', backend: backend.name }, request, reply)
      return sendTransportResponse(reply, response)
    })

    app.post('/logout', {
      schema: {
        operationId: `auth:${backend.name}.logout`,
        tags,
        summary: 'Log out: end the token that authenticated the request',
        security,
        response: { 401: ErrorResponse, 403: ErrorResponse },
      },
      // Any backend's token authorizes a logout, as upstream; the token ends with the strategy
      // that issued it, and the answer is this route's transport's.
      onRequest: context.currentUser({ active: true, verified: requiresVerification }),
    }, async (request, reply) => {
      const { backend: issuer, token } = request.authentication!
      const response = await backend.logout(token, request.user, { issuer, backends: context.backends, refreshRoute, sessions: context.sessions })
      manager.audit.emit({ type: 'logout', user_id: request.user.id, data: { backend: issuer.name } }, request)
      return sendTransportResponse(reply, response)
    })

    registerLogoutAllRoute(scope, context, backend, { refreshRoute, requiresVerification })
    if (refreshRoute !== undefined) registerRefreshRoute(scope, context, backend, { refreshRoute, requiresVerification })
    if (context.twoFactor !== null) registerTwoFactorVerifyRoute(scope, context, backend, { refreshRoute, requiresVerification })
    if (context.magicLinks !== null) registerMagicLinkLoginRoute(scope, context, backend, { refreshRoute, requiresVerification })
    if (context.passkeys !== null) registerPasskeyLoginRoute(scope, context, backend, { refreshRoute, requiresVerification })
  }
}

/**
 * Audits the lockout a failed login started, under the account's id when the email has one
 * (a lookup paid once per lockout, not per attempt), else under the email's digest.
 */
async function auditLockout(context: RoutesContext, email: string, seconds: number, request: FastifyRequest): Promise<void> {
  const user = await context.manager.getByEmail(email)
  const data = user === null ? { retry_after_seconds: seconds, email_digest: context.manager.audit.emailDigest(email) } : { retry_after_seconds: seconds }
  context.manager.audit.emit({ type: 'login.locked_out', user_id: user?.id ?? null, data }, request)
}
