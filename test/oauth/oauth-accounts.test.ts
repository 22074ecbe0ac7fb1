/**
 * The current user's provider accounts (issue 19, item 5): `GET /users/me/oauth-accounts` lists
 * them without tokens, `DELETE /users/me/oauth-accounts/{provider}/{account_id}` unlinks one,
 * unless it is the last way in of a user without a password. The storage half runs on every
 * adapter (test/adapters/suite-oauth.ts, test/oauth/account-logic-suite.ts).
 */
import swagger from '@fastify/swagger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NO_PASSWORD_HASH } from '../../src/oauth/index.ts'
import type { OAuthAccountCreate } from '../../src/user.ts'
import { bearerAuth, buildTestApp, type TestApp } from '../support/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({
    before: async (app, { bearer, cookie }) => {
      await app.register(swagger, {
      openapi: {
        info: { title: 'test', version: '1.0.0' },
        components: { securitySchemes: { jwt: bearer.transport.securityScheme(), cookie: cookie.transport.securityScheme() } },
        },
      })
    },
    extend: async (app, users) => {
      await app.register(users.oauthAccountsRoutes(), { prefix: '/users' })
    },
  })
})
afterAll(() => t.close())

const link = (oauthName: string, accountId: string): OAuthAccountCreate => ({
  oauth_name: oauthName, access_token: `secret-access-${accountId}`, expires_at: 1_900_000_000,
  refresh_token: `secret-refresh-${accountId}`, account_id: accountId, account_email: `${accountId}@${oauthName}.example`,
})

describe('GET /users/me/oauth-accounts', () => {
  it('lists the provider, account id and email of each linked account, oldest first, never a token', async () => {
    const { user, token } = await t.createUser()
    await t.store.users.addOAuthAccount(user, link('google', 'g-1'))
    await t.store.users.addOAuthAccount(user, link('github', '42'))
    const response = await t.app.inject({ url: '/users/me/oauth-accounts', headers: bearerAuth(token) })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual([
      { oauth_name: 'google', account_id: 'g-1', account_email: 'g-1@google.example' },
      { oauth_name: 'github', account_id: '42', account_email: '42@github.example' },
    ])
    expect(response.body).not.toContain('secret-')
  })

  it('needs an active user', async () => {
    expect((await t.app.inject({ url: '/users/me/oauth-accounts' })).statusCode).toBe(401)
    const { token } = await t.createUser({ is_active: false })
    expect((await t.app.inject({ url: '/users/me/oauth-accounts', headers: bearerAuth(token) })).statusCode).toBe(401)
  })
})

describe('DELETE /users/me/oauth-accounts/{provider}/{account_id}', () => {
  const unlink = (token: string, provider: string, accountId: string) =>
    t.app.inject({ method: 'DELETE', url: `/users/me/oauth-accounts/${provider}/${encodeURIComponent(accountId)}`, headers: bearerAuth(token) })

  it('unlinks an account of a user with a password, down to none', async () => {
    const { user, token } = await t.createUser()
    await t.store.users.addOAuthAccount(user, link('google', 'p-1'))
    const response = await unlink(token, 'google', 'p-1')
    expect(response.statusCode).toBe(204)
    expect(response.body).toBe('')
    expect(await t.store.users.listOAuthAccounts(user)).toEqual([])
    expect(t.callsOf('onAfterUpdate').at(-1)?.args.slice(0, 2)).toEqual([expect.objectContaining({ id: user.id }), {}])
  })

  it("refuses the last way in of a user without a password, and unlinks the others", async () => {
    const { user, token } = await t.createUser()
    await t.store.users.update(user, { hashed_password: NO_PASSWORD_HASH })
    await t.store.users.addOAuthAccount(user, link('google', 'n-1'))
    await t.store.users.addOAuthAccount(user, link('gitlab', 'n-2'))
    expect((await unlink(token, 'google', 'n-1')).statusCode).toBe(204)
    const refused = await unlink(token, 'gitlab', 'n-2')
    expect({ status: refused.statusCode, body: refused.json() }).toEqual({ status: 400, body: { detail: 'OAUTH_ACCOUNT_LAST_LOGIN_METHOD' } })
    expect((await t.store.users.listOAuthAccounts(user)).map((account) => account.account_id)).toEqual(['n-2'])
  })

  it("answers 404 for an account the user does not have, another user's included", async () => {
    const owner = await t.createUser()
    await t.store.users.addOAuthAccount(owner.user, link('google', 'o-1'))
    const { token } = await t.createUser()
    expect((await unlink(token, 'google', 'o-1')).statusCode).toBe(404)
    expect((await unlink(token, 'nobody', 'x')).statusCode).toBe(404)
    expect(await t.store.users.listOAuthAccounts(owner.user)).toHaveLength(1)
  })
})

describe('OpenAPI', () => {
  it('names the routes and the list item schema', () => {
    const doc = t.app.swagger() as unknown as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: { items?: { title?: string } } }> }> }>> }
    const list = doc.paths['/users/me/oauth-accounts']!.get!
    expect(list.operationId).toBe('users:current_user_oauth_accounts')
    expect(list.responses['200']!.content!['application/json']!.schema.items?.title).toBe('OAuthAccountLink')
    const remove = doc.paths['/users/me/oauth-accounts/{provider}/{account_id}']!.delete!
    expect(remove.operationId).toBe('users:delete_current_user_oauth_account')
    expect(Object.keys(remove.responses).sort()).toEqual(['204', '400', '401', '403', '404'])
  })
})
