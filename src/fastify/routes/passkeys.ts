/**
 * Passkeys on the wire (opt-in, `passkeys` option; src/passkeys/):
 * - `passkeyRoutes()`, e.g. under `/auth/passkey`: `POST /register/options` and `POST
 *   /register` (logged in: a new passkey, 201), `POST /login/options` (anyone: the options of
 *   a login, no address asked). The login itself is each backend's `POST /passkey/login`
 *   (passkey-login.ts), so it answers as that backend's password login does.
 * - `passkeyAccountRoutes()`, under `/users`: `GET /me/passkeys`, `PATCH /me/passkeys/{id}`
 *   (rename), `DELETE /me/passkeys/{id}` (204), 404 for an id that is not the user's.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import type { Passkeys } from '../../passkeys/passkeys.ts'
import { prepareScope, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'
import { ignoreBodies } from '../security/body-parsing.ts'
import { PasskeyCeremonyResponse, PasskeyParams, PasskeyRegistrationBody, PasskeyRenameBody, PasskeySchema } from './passkey-schemas.ts'

export interface PasskeyRoutesOptions {
  /** Only verified users may register passkeys or manage them (403 otherwise). */
  requiresVerification?: boolean
}

/** `POST /register/options`, `POST /register`, `POST /login/options`. */
export function passkeyRoutes(context: RoutesContext, passkeys: Passkeys<User>, options: PasskeyRoutesOptions = {}): FastifyPluginAsync {
  const security = context.backends.map((backend) => ({ [backend.name]: [] }))
  const onRequest = context.currentUser({ active: true, verified: options.requiresVerification ?? false })
  const refusals = { 401: ErrorResponse, 403: ErrorResponse }
  return async function passkeyPlugin(app: FastifyInstance) {
    prepareScope(app, context)

    await app.register(async function ceremonyOptions(scope: FastifyInstance) {
      ignoreBodies(scope)
      scope.post('/register/options', {
        schema: {
          tags: ['passkeys'], security, operationId: 'passkeys:register_options',
          summary: 'Start registering a passkey for the current user: the options for navigator.credentials.create()',
          response: { 200: PasskeyCeremonyResponse, 400: ErrorResponse, ...refusals },
        },
        onRequest,
      }, async (request) => passkeys.registrationOptions(request.user))

      scope.post('/login/options', {
        schema: {
          tags: ['passkeys'], operationId: 'passkeys:login_options',
          summary: 'Start a passkey login: the options for navigator.credentials.get(), no address needed',
          response: { 200: PasskeyCeremonyResponse, 429: ErrorResponse },
        },
        ...context.security.routeHooks('passkey'),
      }, async () => passkeys.authenticationOptions())
    })

    app.withTypeProvider<TypeBoxTypeProvider>().post('/register', {
      schema: {
        tags: ['passkeys'], security, operationId: 'passkeys:register',
        summary: 'Complete a passkey registration with the authenticator\'s answer',
        body: PasskeyRegistrationBody,
        response: { 201: PasskeySchema, 400: ErrorResponse, ...refusals, 422: ValidationErrorResponse },
      },
      onRequest,
    }, async (request, reply) => {
      const { challenge_token: token, credential, name } = request.body
      return reply.code(201).send(await passkeys.register(request.user, token, credential, name))
    })
  }
}

/** `GET /me/passkeys`, `PATCH /me/passkeys/{id}`, `DELETE /me/passkeys/{id}`. */
export function passkeyAccountRoutes(context: RoutesContext, passkeys: Passkeys<User>, options: PasskeyRoutesOptions = {}): FastifyPluginAsync {
  const common = { tags: ['users'], security: context.backends.map((backend) => ({ [backend.name]: [] })) }
  const onRequest = context.currentUser({ active: true, verified: options.requiresVerification ?? false })
  const refusals = { 401: ErrorResponse, 403: ErrorResponse }
  return async function passkeyAccountPlugin(app: FastifyInstance) {
    prepareScope(app, context)
    const typed = app.withTypeProvider<TypeBoxTypeProvider>()

    typed.get('/me/passkeys', {
      schema: { ...common, operationId: 'users:current_user_passkeys', summary: "The current user's passkeys, oldest first", response: { 200: Type.Array(PasskeySchema), ...refusals } },
      onRequest,
    }, async (request) => passkeys.list(request.user))

    typed.patch('/me/passkeys/:id', {
      schema: {
        ...common, operationId: 'users:rename_current_user_passkey', summary: 'Rename one of the current user\'s passkeys',
        params: PasskeyParams, body: PasskeyRenameBody,
        response: { 200: PasskeySchema, ...refusals, 404: ErrorResponse, 422: ValidationErrorResponse },
      },
      onRequest,
    }, async (request) => passkeys.rename(request.user, request.params.id, request.body.name))

    await app.register(async function deletePasskeyRoute(scope: FastifyInstance) {
      ignoreBodies(scope)
      scope.withTypeProvider<TypeBoxTypeProvider>().delete('/me/passkeys/:id', {
        schema: {
          ...common, operationId: 'users:delete_current_user_passkey', summary: 'Delete one of the current user\'s passkeys',
          params: PasskeyParams, response: { 204: Type.Null(), ...refusals, 404: ErrorResponse },
        },
        onRequest,
      }, async (request, reply) => {
        await passkeys.remove(request.user, request.params.id)
        return reply.code(204).send(null)
      })
    })
  }
}
