/**
 * The OpenAPI document @fastify/swagger builds from the routes' schemas: FastAPI Users' route
 * names as operationIds, tags, one security scheme per backend, the status sets of CONTRACT
 * §5.8, FastAPI Users' model names as components, and no `hashed_password` anywhere in a
 * response; and the example's /openapi.json, valid OpenAPI 3, and its 404 body.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import swagger from '@fastify/swagger'
import { Validator } from '@seriousme/openapi-schema-validator'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../examples/full/app.ts'
import { readConfig } from '../examples/full/config.ts'
import { withNamedSchemas } from '../src/index.ts'
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
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, Schema> }
}
interface Schema {
  $ref?: string
  title?: string
  properties?: Record<string, unknown>
}

/** The schema of an operation's JSON request body or response. */
function jsonSchema(part: { content: Record<string, { schema: Schema }> } | undefined, type = 'application/json'): Schema {
  const schema = part?.content[type]?.schema
  if (!schema) throw new Error(`no ${type} schema`)
  return schema
}
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

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
          transformObject: (documents) => ('openapiObject' in documents ? withNamedSchemas(documents.openapiObject) : documents.swaggerObject),
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
    expect(jsonSchema(operation('/users/me', 'get').responses['200'] as never)).toEqual(ref('UserRead'))
    expect(Object.keys(doc.components.schemas.UserRead!.properties!)).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified'])
    for (const [path, method] of OPERATIONS) {
      const responses = JSON.stringify(operation(path, method).responses)
      expect(responses, `${method} ${path}`).not.toMatch(/hashed_password|"password"/)
    }
    expect(JSON.stringify(doc.components.schemas.UserRead)).not.toMatch(/hashed_password|"password"/)
  })

  it("names FastAPI Users' models as components and refers to them", () => {
    const body = (path: string, method: string, type?: string) => jsonSchema(operation(path, method).requestBody as never, type)
    const response = (path: string, method: string, status: string) => jsonSchema(operation(path, method).responses[status] as never)
    expect(body('/auth/register', 'post')).toEqual(ref('UserCreate'))
    expect(body('/users/me', 'patch')).toEqual(ref('UserUpdate'))
    expect(body('/users/{id}', 'patch')).toEqual(ref('UserUpdateBySuperuser'))
    expect(body('/auth/jwt/login', 'post', 'application/x-www-form-urlencoded')).toEqual(ref('OAuth2PasswordRequestForm'))
    expect(response('/auth/jwt/login', 'post', '200')).toEqual(ref('BearerResponse'))
    expect(response('/auth/register', 'post', '201')).toEqual(ref('UserRead'))
    expect(response('/auth/register', 'post', '400')).toEqual(ref('ErrorModel'))
    expect(response('/auth/register', 'post', '422')).toEqual(ref('HTTPValidationError'))
    expect(doc.components.schemas.HTTPValidationError!.properties!.detail).toEqual({ type: 'array', items: ref('ValidationError') })
    for (const name of ['UserRead', 'UserCreate', 'UserUpdate', 'BearerResponse', 'ErrorModel', 'HTTPValidationError', 'ValidationError']) {
      expect(doc.components.schemas[name]?.title, name).toBe(name)
    }
  })
})

describe("the example's OpenAPI document and 404", () => {
  let app: FastifyInstance
  const savedLevel = process.env.LOG_LEVEL
  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent'
    const dir = mkdtempSync(join(tmpdir(), 'fastify-users-openapi-'))
    const config = readConfig({ SECRET: 'a-production-secret-of-at-least-32-characters', DATABASE_URL: `sqlite://${join(dir, 'users.db')}` }, () => {})
    app = await buildApp(config)
  })
  afterAll(async () => {
    await app.close()
    if (savedLevel === undefined) delete process.env.LOG_LEVEL
    else process.env.LOG_LEVEL = savedLevel
  })

  it('serves /openapi.json as FastAPI does, the same document as /docs/json, valid OpenAPI 3', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const document = res.json() as Document & { openapi: string }
    expect(document.openapi).toMatch(/^3\./)
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).json()).toEqual(document)
    const result = await new Validator().validate(document as never)
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
    expect(document.components.schemas.UserRead).toBeDefined()
  })

  it('gives every operation an operation id, unique in the document', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document
    const ids = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        expect(op.operationId, `${method} ${path}`).toEqual(expect.any(String))
        return op.operationId
      }))
    expect(ids.length).toBeGreaterThan(14)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('answers an unknown path 404 {"detail": "Not Found"}, as FastAPI', async () => {
    // GET /users is the example's user list (new, superusers only); no method else exists there.
    for (const [method, url] of [['GET', '/nowhere'], ['POST', '/auth/nowhere'], ['POST', '/users']] as const) {
      const res = await app.inject({ method, url })
      expect(res.statusCode, url).toBe(404)
      expect(res.json(), url).toEqual({ detail: 'Not Found' })
    }
  })
})

describe("the example's OpenAPI document with API_KEYS=on", () => {
  const savedLevel = process.env.LOG_LEVEL
  beforeAll(() => {
    process.env.LOG_LEVEL = 'silent'
  })
  afterAll(() => {
    if (savedLevel === undefined) delete process.env.LOG_LEVEL
    else process.env.LOG_LEVEL = savedLevel
  })

  async function documentOf(env: Record<string, string>): Promise<Document> {
    const dir = mkdtempSync(join(tmpdir(), 'fastify-users-openapi-keys-'))
    const config = readConfig({ SECRET: 'a-production-secret-of-at-least-32-characters', DATABASE_URL: `sqlite://${join(dir, 'users.db')}`, ...env }, () => {})
    const app = await buildApp(config)
    try {
      return (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document
    } finally {
      await app.close()
    }
  }

  it('declares the key schemes (the X-API-Key header, and Bearer fuk_…), referenced by the route that takes keys only', async () => {
    const document = await documentOf({ API_KEYS: 'on' })
    const result = await new Validator().validate(document as never)
    expect(result.errors).toBeUndefined()
    const schemes = document.components.securitySchemes
    expect(schemes.api_key).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: expect.stringContaining('Authorization: Bearer fuk_') })
    expect(schemes.api_key_bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: expect.stringMatching(/^fuk_/) })
    expect(schemes.jwt).toEqual({ type: 'oauth2', flows: { password: { scopes: {}, tokenUrl: 'auth/jwt/login' } } })
    expect(schemes.cookie).toEqual({ type: 'apiKey', in: 'cookie', name: 'fastapiusersauth' })
    expect(document.paths['/authenticated-route']!.get!.security).toEqual([{ api_key: [] }, { api_key_bearer: [] }, { jwt: [] }, { cookie: [] }])
    // The account routes take sessions only: a key never reaches them.
    for (const [path, method] of [['/users/me', 'get'], ['/users/me/api-keys', 'post'], ['/users/me/api-keys', 'get']] as const) {
      expect(document.paths[path]![method]!.security, `${method} ${path}`).toEqual([{ jwt: [] }, { cookie: [] }])
    }
  })

  it('without API_KEYS, neither the schemes nor the key routes', async () => {
    const document = await documentOf({})
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['cookie', 'jwt'])
    expect(document.paths['/users/me/api-keys']).toBeUndefined()
    expect(document.paths['/authenticated-route']!.get!.security).toEqual([{ jwt: [] }, { cookie: [] }])
  })
})
