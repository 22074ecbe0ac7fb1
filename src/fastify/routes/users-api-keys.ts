/**
 * API keys on the users routes, with `usersRoutes({ apiKeys: true })` (src/api-keys/): the
 * current user creates (`POST /me/api-keys`, the key shown in that answer only), lists and
 * revokes its keys; superusers list and revoke any user's at `/{id}/api-keys`. These routes
 * take a session, never a key: a key cannot mint keys, nor list or revoke them.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { ApiKeys } from '../../api-keys/api-keys.ts'
import { ApiKeyError, ApiKeyErrorCode } from '../../api-keys/errors.ts'
import { keyPrefix } from '../../api-keys/key-format.ts'
import type { ApiKeyRecord } from '../../api-keys/store.ts'
import { ConfigurationError, NotFoundError } from '../../errors.ts'
import type { RoutesContext } from '../context.ts'
import type { CurrentUserHook } from '../guard.ts'
import { heldPermissions } from '../role-access.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'
import { ignoreBodies } from '../security/body-parsing.ts'

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
type RouteCommon = { tags: string[]; security: Array<Record<string, string[]>> }

const instant = () => Type.String({ format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$' })

const ApiKeyCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    expires_at: Type.Optional(instant()),
    expires_in: Type.Optional(Type.Integer({ minimum: 1, description: 'Seconds from now; instead of expires_at' })),
    permissions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, description: 'A subset of your permissions; none by default' })),
  },
  { title: 'ApiKeyCreate' },
)

const apiKeyReadProperties = {
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The key up to its secret, to recognise it by' }),
  permissions: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'To within a minute' }),
}

const ApiKeyRead = Type.Object(apiKeyReadProperties, { title: 'ApiKeyRead' })
const ApiKeyList = Type.Array(ApiKeyRead, { title: 'ApiKeyList' })
const ApiKeyCreated = Type.Object(
  { ...apiKeyReadProperties, key: Type.String({ description: 'The key itself, shown this once' }) },
  { title: 'ApiKeyCreated' },
)

const KeyParams = Type.Object({ key_id: Type.String() })
const UserKeyParams = Type.Object({ id: Type.String(), key_id: Type.String() })

function read(record: ApiKeyRecord) {
  return {
    id: record.id,
    name: record.name,
    prefix: keyPrefix(record.id),
    permissions: record.permissions,
    created_at: record.createdAt.toISOString(),
    expires_at: record.expiresAt.toISOString(),
    last_used_at: record.lastUsedAt?.toISOString() ?? null,
  }
}

/**
 * The routes, to register on the users plugin's scope; the option is checked now.
 *
 * @throws ConfigurationError `API_KEYS_NOT_CONFIGURED` without the `apiKeys` option of fastifyUsers.
 */
export function apiKeyRoutes(
  context: RoutesContext,
  activeUser: CurrentUserHook,
  loadTarget: Hook,
): (app: FastifyInstance, common: RouteCommon) => Promise<void> {
  const apiKeys: ApiKeys | null = context.apiKeys
  if (apiKeys === null) {
    throw new ConfigurationError('API_KEYS_NOT_CONFIGURED', 'usersRoutes({ apiKeys: true }) needs the apiKeys option of fastifyUsers')
  }
  return async (scope, common) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    app.post('/me/api-keys', {
      schema: {
        ...common,
        operationId: 'users:create_api_key',
        summary: 'Create an API key; the key is in this answer only',
        body: ApiKeyCreate,
        response: { 201: ApiKeyCreated, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 422: ValidationErrorResponse },
      },
      onRequest: activeUser,
    }, async (request, reply) => {
      const { name, expires_at: at, expires_in: seconds, permissions = [] } = request.body
      if ((at === undefined) === (seconds === undefined)) throw new ApiKeyError(ApiKeyErrorCode.API_KEY_INVALID_EXPIRY)
      const expiresAt = at === undefined ? new Date(Date.now() + seconds! * 1000) : new Date(at)
      const held = await heldPermissions(context.roles, request.user)
      const created = await apiKeys.create(request.user.id, { name, expiresAt, permissions }, held)
      context.manager.audit.emit({ type: 'api_key.created', user_id: request.user.id, data: { key_id: created.record.id, name } }, request)
      return reply.code(201).send({ ...read(created.record), key: created.key })
    })

    app.get('/me/api-keys', {
      schema: {
        ...common,
        operationId: 'users:api_keys',
        summary: "The current user's API keys (never the keys themselves)",
        response: { 200: ApiKeyList, 401: ErrorResponse, 403: ErrorResponse },
      },
      onRequest: activeUser,
    }, async (request) => (await apiKeys.list(request.user.id)).map(read))

    app.get('/:id/api-keys', {
      schema: {
        ...common,
        operationId: 'users:user_api_keys',
        summary: "A user's API keys (superuser)",
        params: Type.Object({ id: Type.String() }),
        response: { 200: ApiKeyList, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      onRequest: loadTarget,
    }, async (request) => (await apiKeys.list(request.targetUser!.id)).map(read))

    await app.register(async function revokeApiKeyRoutes(deleteScope: FastifyInstance) {
      ignoreBodies(deleteScope)
      const typed = deleteScope.withTypeProvider<TypeBoxTypeProvider>()
      typed.delete('/me/api-keys/:key_id', {
        schema: {
          ...common,
          operationId: 'users:revoke_api_key',
          summary: 'Revoke one of your API keys',
          params: KeyParams,
          response: { 204: Type.Null(), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
        },
        onRequest: activeUser,
      }, async (request, reply) => {
        if (!(await apiKeys.revoke(request.user.id, request.params.key_id))) throw new NotFoundError()
        context.manager.audit.emit({ type: 'api_key.revoked', user_id: request.user.id, data: { key_id: request.params.key_id } }, request)
        return reply.code(204).send(null)
      })

      typed.delete('/:id/api-keys/:key_id', {
        schema: {
          ...common,
          operationId: 'users:revoke_user_api_key',
          summary: "Revoke a user's API key (superuser)",
          params: UserKeyParams,
          response: { 204: Type.Null(), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
        },
        onRequest: loadTarget,
      }, async (request, reply) => {
        if (!(await apiKeys.revoke(request.targetUser!.id, request.params.key_id))) throw new NotFoundError()
        context.manager.audit.emit({ type: 'api_key.revoked', user_id: request.targetUser!.id, data: { key_id: request.params.key_id } }, request)
        return reply.code(204).send(null)
      })
    })
  }
}
