/**
 * The opt-in account features in the OpenAPI document: two-factor's routes with their status
 * sets, the login's 202 challenge, magic links and email change, with named schemas; and none
 * of it without the options.
 */
import swagger from '@fastify/swagger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryMagicLinkStore } from '../src/magic-link/memory-store.ts'
import { MemoryTwoFactorStore } from '../src/two-factor/memory-store.ts'
import { buildTestApp, type TestApp, type TestAppOptions } from './support/app.ts'

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

describe('OpenAPI document with the account features', () => {
  let t: TestApp
  let doc: Document
  beforeAll(async () => {
    ;({ t, doc } = await documentOf({
      twoFactor: { store: new MemoryTwoFactorStore(), encryptionKey: 'openapi-two-factor-key-of-32-bytes-or-more', issuer: 'x' },
      magicLink: { store: new MemoryMagicLinkStore(), send: () => {} },
      emailChange: { send: () => {} },
    }))
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

  it('describes magic links and email change with named schemas', () => {
    const request = doc.paths['/auth/magic-link']!['post']!
    expect(request.operationId).toBe('magic-link:request')
    expect(request.requestBody!.content['application/json']!.schema.title).toBe('MagicLinkRequest')
    expect(Object.keys(request.responses).sort()).toEqual(['202', '422'])
    for (const backend of ['jwt', 'cookie']) {
      const login = doc.paths[`/auth/${backend}/magic-link/login`]!['post']!
      expect(login.operationId).toBe(`auth:${backend}.magic_link_login`)
      expect(login.requestBody!.content['application/json']!.schema.title).toBe('MagicLinkLogin')
      expect(login.responses['202']!.content!['application/json']!.schema.title).toBe('TwoFactorChallenge')
    }
    const confirm = doc.paths['/auth/email-change/confirm']!['post']!
    expect(confirm.operationId).toBe('email-change:confirm')
    expect(confirm.requestBody!.content['application/json']!.schema.title).toBe('EmailChangeConfirm')
    expect(confirm.responses['200']!.content!['application/json']!.schema.title).toBe('UserRead')
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

describe('OpenAPI document without the options', () => {
  it('has no account-feature route and no 202 login', async () => {
    const { t, doc } = await documentOf({})
    try {
      expect(Object.keys(doc.paths).filter((path) => /2fa|magic-link|email-change/.test(path))).toEqual([])
      expect(Object.keys(doc.paths['/auth/jwt/login']!['post']!.responses)).not.toContain('202')
    } finally {
      await t.close()
    }
  })
})
