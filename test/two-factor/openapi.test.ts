/**
 * Two-factor in the OpenAPI document: its routes with their status sets, the login's 202
 * challenge, and named schemas; and none of it without the option.
 */
import swagger from '@fastify/swagger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryTwoFactorStore } from '../../src/two-factor/memory-store.ts'
import { buildTestApp, type TestApp, type TestAppOptions } from '../support/app.ts'

interface Operation {
  operationId?: string
  security?: unknown[]
  requestBody?: { content: Record<string, { schema: { title?: string } }> }
  responses: Record<string, { content?: Record<string, { schema: { title?: string } }> }>
}
type Document = { paths: Record<string, Record<string, Operation>> }

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

describe('OpenAPI document with two-factor', () => {
  let t: TestApp
  let doc: Document
  beforeAll(async () => {
    ;({ t, doc } = await documentOf({ twoFactor: { store: new MemoryTwoFactorStore(), encryptionKey: 'openapi-two-factor-key-of-32-bytes-or-more', issuer: 'x' } }))
  })
  afterAll(() => t.close())

  it('describes the login challenge and the verify route of each backend', () => {
    for (const backend of ['jwt', 'cookie']) {
      const login = doc.paths[`/auth/${backend}/login`]!['post']!
      expect(login.responses['202']!.content!['application/json']!.schema.title).toBe('TwoFactorChallenge')
      const verify = doc.paths[`/auth/${backend}/2fa/verify`]!['post']!
      expect(verify.operationId).toBe(`auth:${backend}.2fa_verify`)
      expect(verify.requestBody!.content['application/json']!.schema.title).toBe('TwoFactorVerify')
      expect(Object.keys(verify.responses).sort()).toEqual([backend === 'jwt' ? '200' : '204', '400', '422', '429'])
    }
  })

  it('describes the management routes with named schemas, guarded', () => {
    const expected: Array<[string, string, string, string | null, string]> = [
      ['/auth/2fa/', 'get', '2fa:status', null, 'TwoFactorStatus'],
      ['/auth/2fa/enrol', 'post', '2fa:enrol', null, 'TwoFactorEnrolment'],
      ['/auth/2fa/confirm', 'post', '2fa:confirm', 'TwoFactorCode', 'TwoFactorRecoveryCodes'],
      ['/auth/2fa/recovery-codes', 'post', '2fa:recovery-codes', 'TwoFactorPassword', 'TwoFactorRecoveryCodes'],
      ['/auth/2fa/disable', 'post', '2fa:disable', 'TwoFactorPassword', ''],
    ]
    for (const [path, method, operationId, body, response] of expected) {
      const operation = doc.paths[path]![method]!
      expect(operation.operationId).toBe(operationId)
      expect(operation.security).toEqual([{ jwt: [] }, { cookie: [] }])
      if (body !== null) expect(operation.requestBody!.content['application/json']!.schema.title).toBe(body)
      if (response !== '') expect(operation.responses['200']!.content!['application/json']!.schema.title).toBe(response)
    }
  })
})

describe('OpenAPI document without two-factor', () => {
  it('has no two-factor route and no 202 login', async () => {
    const { t, doc } = await documentOf({})
    try {
      expect(Object.keys(doc.paths).filter((path) => path.includes('2fa'))).toEqual([])
      expect(Object.keys(doc.paths['/auth/jwt/login']!['post']!.responses)).not.toContain('202')
    } finally {
      await t.close()
    }
  })
})
