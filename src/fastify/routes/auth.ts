/**
 * Auth routes of one backend (CONTRACT §5.1): `POST /login` with an OAuth2 password form
 * (urlencoded or multipart, never JSON) and `POST /logout`; beyond FastAPI Users, `POST
 * /logout-all` (logout-all.ts) and, with refresh tokens, `POST /refresh` (refresh.ts).
 */
import formbody from '@fastify/formbody'
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { checkLoginBan } from '../../ban.ts'
import { ErrorCode, UnknownHashError, UsersError } from '../../errors.ts'
import { prepareScope, sendTransportResponse, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { ErrorResponse, LoginForm } from '../schemas.ts'
import { registerLogoutAllRoute } from './logout-all.ts'
import { refreshRouteOf, registerRefreshRoute } from './refresh.ts'

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

  return async function authPlugin(app: FastifyInstance) {
    prepareScope(app)
    await app.register(formbody)
    await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { files: 0, fields: 10 } })
    const refreshRoute = refreshRouteOf(app, context, backend)

    app.post('/login', {
      schema: {
        operationId: `auth:${backend.name}.login`,
        tags,
        summary: 'Log in with an email and a password',
        consumes: ['application/x-www-form-urlencoded'],
        body: LoginForm,
        response: {
          [login.statusCode]: login.body === undefined ? Type.Null() : Type.Unknown(),
          400: ErrorResponse,
          422: ErrorResponse,
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
      const form = request.body as { username: string; password: string }
      let user: User | null
      try {
        user = await manager.authenticate(form)
      } catch (error) {
        if (!(error instanceof UnknownHashError)) throw error
        request.log.warn({ email: form.username }, 'login refused: the stored password hash has an unknown format')
        user = null
      }
      // The right password of an inactive user: a banned one hears so (issue 15, src/ban.ts).
      if (user && !user.is_active && context.bans !== null) user = await checkLoginBan(manager, context.bans, user)
      if (!user || !user.is_active) {
        context.security.loginFailed(request)
        throw new UsersError(ErrorCode.LOGIN_BAD_CREDENTIALS)
      }
      // The right password, even for an unverified user: the failures are forgotten.
      await context.security.loginSucceeded(request)
      if (requiresVerification && !user.is_verified) throw new UsersError(ErrorCode.LOGIN_USER_NOT_VERIFIED)
      const response = await backend.login(user, { refreshRoute })
      await manager.hooks.onAfterLogin?.(user, request, reply)
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
      return sendTransportResponse(reply, await backend.logout(token, request.user, { issuer, backends: context.backends, refreshRoute }))
    })

    registerLogoutAllRoute(app, context, backend, { refreshRoute, requiresVerification })
    if (refreshRoute !== undefined) registerRefreshRoute(app, context, backend, { refreshRoute, requiresVerification })
  }
}
