/**
 * Passkeys in the OpenAPI document: every route with its operation id, named request and
 * response schemas and its guard; the passkey login on each backend; and none of it without
 * the option.
 */
import swagger from '@fastify/swagger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withNamedSchemas } from '../../src/index.ts'
import { MemoryPasskeyStore } from '../../src/passkeys/memory-store.ts'
import { buildTestApp, type TestApp, type TestAppOptions } from '../support/app.ts'

interface Operation {
  operationId?: string
  security?: unknown[]
  requestBody?: { content: Record<string, { schema: { title?: string } }> }
  responses: Record<string, { content?: Record<string, { schema: { title?: string; items?: { title?: string } } }> }>
}
type Document = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } }

async function documentOf(options: TestAppOptions): Promise<{ t: TestApp; doc: Document }> {
  const t = await buildTestApp({
    ...options,
    before: async (app, { bearer, cookie }) => {
      await app.register(swagger, {
        openapi: {
          info: { title: 'test', version: '1.0.0' },
          components: { securitySchemes: { jwt: bearer.transport.securityScheme(), cookie: cookie.transport.securityScheme() } },
        },
      })
    },
  })
  return { t, doc: t.app.swagger() as unknown as Document }
}

describe('OpenAPI document with passkeys', () => {
  let t: TestApp
  let doc: Document
  beforeAll(async () => {
    ;({ t, doc } = await documentOf({ passkeys: { store: new MemoryPasskeyStore(), rpID: 'localhost', rpName: 'x', origins: ['http://localhost'] } }))
  })
  afterAll(() => t.close())

  it('describes registration, login options and management with named schemas, guarded', () => {
    const guarded = [{ jwt: [] }, { cookie: [] }]
    const expected: Array<[string, string, string, string | null, string, string, unknown[] | undefined]> = [
      ['/auth/passkey/register/options', 'post', 'passkeys:register_options', null, '200', 'PasskeyCeremony', guarded],
      ['/auth/passkey/register', 'post', 'passkeys:register', 'PasskeyRegistration', '201', 'Passkey', guarded],
      ['/auth/passkey/login/options', 'post', 'passkeys:login_options', null, '200', 'PasskeyCeremony', undefined],
      ['/users/me/passkeys/{id}', 'patch', 'users:rename_current_user_passkey', 'PasskeyRename', '200', 'Passkey', guarded],
    ]
    for (const [path, method, operationId, body, status, response, security] of expected) {
      const operation = doc.paths[path]![method]!
      expect(operation.operationId).toBe(operationId)
      expect(operation.security).toEqual(security)
      if (body !== null) expect(operation.requestBody!.content['application/json']!.schema.title).toBe(body)
      expect(operation.responses[status]!.content!['application/json']!.schema.title).toBe(response)
    }
    const list = doc.paths['/users/me/passkeys']!['get']!
    expect(list.operationId).toBe('users:current_user_passkeys')
    expect(list.responses['200']!.content!['application/json']!.schema.items!.title).toBe('Passkey')
    const remove = doc.paths['/users/me/passkeys/{id}']!['delete']!
    expect(Object.keys(remove.responses).sort()).toEqual(['204', '401', '403', '404'])
    const named = withNamedSchemas(doc)
    expect(Object.keys(named.components?.schemas ?? {})).toEqual(expect.arrayContaining(['PasskeyCeremony', 'PasskeyRegistration', 'PasskeyLogin', 'Passkey', 'PasskeyRename']))
  })

  it('describes the passkey login of each backend as its login', () => {
    for (const backend of ['jwt', 'cookie']) {
      const login = doc.paths[`/auth/${backend}/passkey/login`]!['post']!
      expect(login.operationId).toBe(`auth:${backend}.passkey_login`)
      expect(login.requestBody!.content['application/json']!.schema.title).toBe('PasskeyLogin')
      expect(Object.keys(login.responses).sort()).toEqual([backend === 'jwt' ? '200' : '204', '400', '422', '429'])
    }
  })
})

describe('OpenAPI document without passkeys', () => {
  it('has no passkey route', async () => {
    const { t, doc } = await documentOf({})
    try {
      expect(Object.keys(doc.paths).filter((path) => /passkey/.test(path))).toEqual([])
    } finally {
      await t.close()
    }
  })
})
