/**
 * The OpenAPI document @fastify/swagger builds from the routes' schemas: FastAPI Users' route
 * names as operationIds, tags, one security scheme per backend, the status sets of CONTRACT
 * §5.8, and no `hashed_password` anywhere in a response.
 */
import swagger from '@fastify/swagger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './support/app.ts'

interface Operation {
  operationId?: string
  tags?: string[]
  security?: Array<Record<string, string[]>>
  requestBody?: { content: Record<string, unknown> }
  responses: Record<string, unknown>
}
interface Document {
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, unknown> }
}

// [path, method, operationId, tags, status codes]. The status sets are CONTRACT §5.8's, except:
// routes without a body or parameters to validate list no 422 (FastAPI lists one for every
// route with a dependency), and /users/me lists 403, which it answers when verification is
// required.
const OPERATIONS: Array<[string, string, string, string, string[]]> = [
  ['/auth/jwt/login', 'post', 'auth:jwt.login', 'auth:jwt', ['200', '400', '422']],
  ['/auth/jwt/logout', 'post', 'auth:jwt.logout', 'auth:jwt', ['401', '403']],
  ['/auth/cookie/login', 'post', 'auth:cookie.login', 'auth:cookie', ['204', '400', '422']],
  ['/auth/cookie/logout', 'post', 'auth:cookie.logout', 'auth:cookie', ['401', '403']],
  ['/auth/register', 'post', 'register:register', 'auth', ['201', '400', '422']],
  ['/auth/forgot-password', 'post', 'reset:forgot_password', 'auth', ['202', '422']],
  ['/auth/reset-password', 'post', 'reset:reset_password', 'auth', ['200', '400', '422']],
  ['/auth/request-verify-token', 'post', 'verify:request-token', 'auth', ['202', '422']],
  ['/auth/verify', 'post', 'verify:verify', 'auth', ['200', '400', '422']],
  ['/users/me', 'get', 'users:current_user', 'users', ['200', '401', '403']],
  ['/users/me', 'patch', 'users:patch_current_user', 'users', ['200', '400', '401', '403', '422']],
  ['/users/{id}', 'get', 'users:user', 'users', ['200', '401', '403', '404']],
  ['/users/{id}', 'patch', 'users:patch_user', 'users', ['200', '400', '401', '403', '404', '422']],
  ['/users/{id}', 'delete', 'users:delete_user', 'users', ['204', '401', '403', '404']],
]

describe('OpenAPI document', () => {
  let t: TestApp
  let doc: Document
  beforeAll(async () => {
    t = await buildTestApp({
      // The application names one scheme per backend, after the backend, as the routes do.
      before: async (app, { bearer, cookie }) => {
        await app.register(swagger, {
          openapi: {
            info: { title: 'test', version: '1.0.0' },
            components: { securitySchemes: { jwt: bearer.transport.securityScheme(), cookie: cookie.transport.securityScheme() } },
          },
        })
      },
    })
    doc = t.app.swagger() as unknown as Document
  })
  afterAll(() => t.close())

  const operation = (path: string, method: string): Operation => {
    const found = doc.paths[path]?.[method]
    if (!found) throw new Error(`${method.toUpperCase()} ${path} is not in the document`)
    return found
  }

  it('lists every route with its FastAPI Users name, tags and status codes', () => {
    for (const [path, method, operationId, tag, statuses] of OPERATIONS) {
      const op = operation(path, method)
      expect(op.operationId, `${method} ${path}`).toBe(operationId)
      expect(op.tags).toEqual([tag])
      expect(Object.keys(op.responses).sort(), `${method} ${path}`).toEqual(statuses)
    }
  })

  it('adds nothing to the paths of FastAPI Users: routes beyond it live on paths of their own', () => {
    for (const path of new Set(OPERATIONS.map(([p]) => p))) {
      const listed = OPERATIONS.filter(([p]) => p === path).map(([, method]) => method).sort()
      expect(Object.keys(doc.paths[path]!).sort(), path).toEqual(listed)
    }
  })

  it('gives operation ids that are unique', () => {
    const ids = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('declares one security scheme per backend: OAuth2 password for bearer, a cookie API key', () => {
    expect(doc.components.securitySchemes).toEqual({
      jwt: { type: 'oauth2', flows: { password: { scopes: {}, tokenUrl: 'auth/jwt/login' } } },
      cookie: { type: 'apiKey', in: 'cookie', name: 'fastapiusersauth' },
    })
    for (const [path, method] of [['/users/me', 'get'], ['/users/{id}', 'delete']] as const) {
      expect(operation(path, method).security).toEqual([{ jwt: [] }, { cookie: [] }])
    }
    expect(operation('/auth/jwt/logout', 'post').security).toEqual([{ jwt: [] }])
    expect(operation('/auth/cookie/logout', 'post').security).toEqual([{ cookie: [] }])
  })

  it('documents login as a form', () => {
    expect(Object.keys(operation('/auth/jwt/login', 'post').requestBody!.content)).toContain('application/x-www-form-urlencoded')
    expect(Object.keys(operation('/auth/register', 'post').requestBody!.content)).toEqual(['application/json'])
  })

  it('returns the user read model, which cannot carry hashed_password', () => {
    const userRead = JSON.stringify(operation('/users/me', 'get').responses['200'])
    for (const field of ['id', 'email', 'is_active', 'is_superuser', 'is_verified']) expect(userRead).toContain(`"${field}"`)
    for (const [path, method] of OPERATIONS) {
      const responses = JSON.stringify(operation(path, method).responses)
      expect(responses, `${method} ${path}`).not.toMatch(/hashed_password|"password"/)
    }
  })
})
