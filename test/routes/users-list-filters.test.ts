/**
 * `GET /users` filtered by role and searched by username: the parameters exist only when the
 * application has roles or usernames (otherwise they are dropped, as any unknown parameter),
 * an unknown role is a 422 from the schema, and the OpenAPI document names exactly the
 * parameters the configuration gives.
 */
import swagger from '@fastify/swagger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasUserRoles } from '../../src/db/user-roles.ts'
import { bearerAuth, buildTestApp, type CreatedUser, type TestApp, type TestAppOptions } from '../support/app.ts'

type Operation = { parameters?: Array<{ name: string; in: string; schema?: Record<string, unknown> }> }

function listParameters(t: TestApp): Map<string, Record<string, unknown> | undefined> {
  const doc = t.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> }
  const operation = doc.paths['/users/']?.['get'] ?? doc.paths['/users']?.['get']
  return new Map((operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema]))
}

const withSwagger: NonNullable<TestAppOptions['before']> = async (app, { bearer, cookie }) => {
  await app.register(swagger, {
    openapi: {
      info: { title: 'test', version: '1.0.0' },
      components: { securitySchemes: { jwt: bearer.transport.securityScheme(), cookie: cookie.transport.securityScheme() } },
    },
  })
}

describe('GET /users with roles and usernames', () => {
  let t: TestApp
  let admin: CreatedUser
  const tag = `filters${process.pid}`
  const emails: Record<string, string> = {}
  beforeAll(async () => {
    t = await buildTestApp({
      usersRoutes: { list: true },
      roles: { admin: ['users:write'], editor: ['posts:write'] },
      usernames: true,
      before: withSwagger,
    })
    admin = await t.createUser({ email: `${tag}-root@example.com`, is_superuser: true })
    const { users } = t.store
    if (!hasUserRoles(users)) throw new Error('the test store does not store roles')
    const people: Array<[string, string | null, string[]]> = [
      ['ann', 'Ann.Smith', ['admin']],
      ['ben', 'annex_ben', ['editor']],
      ['cat', 'Catherine', ['admin', 'editor']],
      ['dan', null, ['admin']],
    ]
    for (const [name, username, roles] of people) {
      const email = `${tag}-${name}@example.com`
      emails[name] = email
      const { user } = await t.createUser(username === null ? { email } : { email, username })
      await users.setRoles(user, roles)
    }
  })
  afterAll(() => t.close())

  const list = async (query: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await t.app.inject({ method: 'GET', url: `/users?email_prefix=${tag}&${query}`, headers: bearerAuth(admin.token) })
    return { status: res.statusCode, body: res.json() }
  }
  const listed = async (query: string): Promise<string[]> => {
    const { status, body } = await list(query)
    expect(status, JSON.stringify(body)).toBe(200)
    return (body['items'] as Array<{ email: string }>).map((item) => item.email)
  }

  it('lists the users of a role, page by page, and counts them', async () => {
    expect(await listed('role=admin')).toEqual([emails['ann'], emails['cat'], emails['dan']])
    expect(await listed('role=editor&sort=created_at&order=desc')).toEqual([emails['cat'], emails['ben']])
    const first = await list('role=admin&limit=2&include_total=true')
    expect(first.body['total']).toBe(3)
    const rest = await listed(`role=admin&limit=2&cursor=${String(first.body['next_cursor'])}`)
    expect(rest).toEqual([emails['dan']])
  })

  it('searches usernames by prefix and substring in any letter case, with the usernames in the items', async () => {
    expect(await listed('username_prefix=ANN')).toEqual([emails['ann'], emails['ben']])
    expect(await listed('username_contains=HER')).toEqual([emails['cat']])
    expect(await listed('username_prefix=ann&role=editor')).toEqual([emails['ben']])
    const { body } = await list('username_prefix=ann.')
    expect(body['items']).toEqual([expect.objectContaining({ email: emails['ann'], username: 'Ann.Smith' })])
  })

  it('answers 422 to a role the configuration does not name, and to empty searches', async () => {
    for (const query of ['role=owner', 'role=Admin', 'role=', 'username_prefix=', 'username_contains=']) {
      const { status, body } = await list(query)
      expect(status, query).toBe(422)
      const detail = (body['detail'] as Array<{ loc: string[] }>)[0]
      expect(detail?.loc, query).toEqual(['query', query.split('=')[0]])
    }
  })

  it('documents the role as the configured names and the username searches', () => {
    const parameters = listParameters(t)
    expect(JSON.stringify(parameters.get('role'))).toContain('"admin"')
    expect(JSON.stringify(parameters.get('role'))).toContain('"editor"')
    expect(parameters.has('username_prefix')).toBe(true)
    expect(parameters.has('username_contains')).toBe(true)
  })
})

describe('GET /users without roles or usernames', () => {
  it('neither documents the role and username parameters nor filters by them, dropping them as unknown', async () => {
    const t = await buildTestApp({ usersRoutes: { list: true }, before: withSwagger })
    try {
      const admin = await t.createUser({ is_superuser: true })
      const everyone = (await t.app.inject({ method: 'GET', url: '/users?limit=100', headers: bearerAuth(admin.token) })).json()
      expect(everyone.items.length).toBeGreaterThan(0)
      for (const query of ['role=admin', 'username_prefix=zz', 'username_contains=zz']) {
        const res = await t.app.inject({ method: 'GET', url: `/users?limit=100&${query}`, headers: bearerAuth(admin.token) })
        expect(res.statusCode, query).toBe(200)
        expect(res.json(), query).toEqual(everyone)
      }
      const parameters = listParameters(t)
      expect(parameters.has('email_prefix')).toBe(true)
      expect([...parameters.keys()].filter((name) => name === 'role' || name.startsWith('username'))).toEqual([])
    } finally {
      await t.close()
    }
  })
})
