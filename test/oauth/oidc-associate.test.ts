/**
 * Linking a provider account to the current user (CONTRACT §5.7), over HTTP against a real
 * OpenID Provider: guard first, the state's `sub` bound to the user, 200 with the user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Type } from 'typebox'
import { OAuthAccountSchema } from '../../src/index.ts'
import { OAuthStateTokens } from '../../src/oauth/index.ts'
import { bearerAuth } from '../support/app.ts'
import { Browser } from '../support/oidc-provider.ts'
import { jwtPayload, ROUTES, STATE_SECRET, startOidcApp, type OidcApp } from './oidc-app.ts'

let e: OidcApp
const operationIds: string[] = []
beforeAll(async () => {
  e = await startOidcApp({ before: (app) => void app.addHook('onRoute', (route) => void operationIds.push(String(route.schema?.operationId))) })
})
afterAll(() => e.close())

async function linkFlow(token: string, account: string, route: string = ROUTES.associate) {
  return e.signIn(route, account, new Browser(), bearerAuth(token))
}

describe('GET /authorize', () => {
  it('is guarded: 401 without a token or for an inactive user, 403 unverified when verification is required', async () => {
    const inactive = await e.test.createUser({ is_active: false })
    const unverified = await e.test.createUser()
    const answers = await Promise.all([
      fetch(`${e.base}${ROUTES.associate}/authorize`),
      fetch(`${e.base}${ROUTES.associate}/authorize`, { headers: bearerAuth(inactive.token) }),
      fetch(`${e.base}${ROUTES.associateVerified}/authorize`, { headers: bearerAuth(unverified.token) }),
    ])
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 403])
    expect(answers.flatMap((answer) => answer.headers.getSetCookie())).toEqual([])
  })

  it("puts the user's id into the state and sets the CSRF cookie", async () => {
    const { user, token } = await e.test.createUser()
    const browser = new Browser()
    const url = new URL(await e.authorize(ROUTES.associate, browser, bearerAuth(token)))
    expect(url.searchParams.get('redirect_uri')).toBe(`${e.base}${ROUTES.associate}/callback`)
    const state = jwtPayload(url.searchParams.get('state')!)
    expect(state).toEqual({ csrftoken: browser.cookies.get('fastapiusersoauthcsrf'), oauth_name: 'oidc', sub: user.id, aud: 'fastapi-users:oauth-state', exp: expect.any(Number) })
  })

  it('names its routes as FastAPI Users does', () => {
    expect(operationIds).toEqual(expect.arrayContaining(['oauth-associate:oidc.authorize', 'oauth-associate:oidc.callback']))
  })
})

describe('GET /callback', () => {
  it('links the account (even with an unverified provider email), answers the user, calls onAfterUpdate', async () => {
    const { user, token } = await e.test.createUser()
    const { id } = e.account((email) => ({ email, email_verified: false }))
    const { browser, callbackUrl } = await linkFlow(token, id)
    const response = await browser.fetch(callbackUrl, { headers: bearerAuth(token) })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ id: user.id, email: user.email, is_active: true, is_superuser: false, is_verified: false })
    expect((await e.test.store.users.listOAuthAccounts(user)).map((account) => account.account_id)).toEqual([id])
    const [update] = e.test.callsOf('onAfterUpdate')
    expect(update?.args.slice(0, 2)).toEqual([expect.objectContaining({ id: user.id }), {}])
    expect(update?.args[2]).toBeDefined()

    const login = await e.signIn(ROUTES.login, id)
    const loggedIn = await login.browser.fetch(login.callbackUrl)
    const me = await e.test.app.inject({ url: '/users/me', headers: bearerAuth(((await loggedIn.json()) as { access_token: string }).access_token) })
    expect(me.json().id).toBe(user.id)
  })

  it('refreshes an account linked again instead of linking it twice', async () => {
    const { user, token } = await e.test.createUser()
    const { id } = e.account()
    for (let round = 0; round < 2; round++) {
      const { browser, callbackUrl } = await linkFlow(token, id)
      expect((await browser.fetch(callbackUrl, { headers: bearerAuth(token) })).status).toBe(200)
    }
    expect((await e.test.store.users.listOAuthAccounts(user)).length).toBe(1)
  })

  it('refuses an account linked to another user', async () => {
    const owner = await e.test.createUser()
    const other = await e.test.createUser()
    const { id } = e.account()
    const first = await linkFlow(owner.token, id)
    expect((await first.browser.fetch(first.callbackUrl, { headers: bearerAuth(owner.token) })).status).toBe(200)
    const second = await linkFlow(other.token, id)
    const response = await second.browser.fetch(second.callbackUrl, { headers: bearerAuth(other.token) })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ detail: 'OAUTH_USER_ALREADY_EXISTS' })
    expect(await e.test.store.users.listOAuthAccounts(other.user)).toEqual([])
  })

  it("refuses another user's state before the code is exchanged", async () => {
    const victim = await e.test.createUser()
    const attacker = await e.test.createUser()
    const { id } = e.account()
    const { browser, callbackUrl } = await linkFlow(attacker.token, id)
    const grants = e.op.tokenGrants
    const response = await browser.fetch(callbackUrl, { headers: bearerAuth(victim.token) })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ detail: 'Bad Request' })
    expect(e.op.tokenGrants).toBe(grants)
    expect(await e.test.store.users.listOAuthAccounts(victim.user)).toEqual([])
  })

  it('checks the guard, then the state and the CSRF cookie', async () => {
    const { token } = await e.test.createUser()
    const { id } = e.account()
    const { browser, callbackUrl } = await linkFlow(token, id)
    const csrftoken = browser.cookies.get('fastapiusersoauthcsrf')!
    const withState = (state: string) => {
      const url = new URL(callbackUrl)
      url.searchParams.set('state', state)
      return url.toString()
    }
    const sub = jwtPayload(new URL(callbackUrl).searchParams.get('state')!).sub as string
    const cookie = `fastapiusersoauthcsrf=${csrftoken}`
    const cases: Array<[string, Record<string, string>, number, unknown]> = [
      [callbackUrl, { cookie }, 401, { detail: 'Unauthorized' }],
      [callbackUrl, { ...bearerAuth(token) }, 400, { detail: 'OAUTH_INVALID_STATE' }],
      [callbackUrl, { ...bearerAuth(token), cookie: 'fastapiusersoauthcsrf=other' }, 400, { detail: 'OAUTH_INVALID_STATE' }],
      [withState(await new OAuthStateTokens(STATE_SECRET, { lifetimeSeconds: -1 }).issue({ csrftoken, sub })), { ...bearerAuth(token), cookie }, 400, { detail: 'ACCESS_TOKEN_ALREADY_EXPIRED' }],
      [withState(await new OAuthStateTokens(`${STATE_SECRET}-other`).issue({ csrftoken, sub })), { ...bearerAuth(token), cookie }, 400, { detail: 'ACCESS_TOKEN_DECODE_ERROR' }],
    ]
    for (const [url, headers, status, body] of cases) {
      const response = await fetch(url, { headers })
      expect({ url, status: response.status, body: await response.json() }).toEqual({ url, status, body })
    }
    const genuine = await fetch(callbackUrl, { headers: { ...bearerAuth(token), cookie } })
    expect(genuine.status).toBe(200)
  })

  it('refuses a provider account without an email', async () => {
    const { token } = await e.test.createUser()
    const { id } = e.account({})
    const { browser, callbackUrl } = await linkFlow(token, id)
    const response = await browser.fetch(callbackUrl, { headers: bearerAuth(token) })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ detail: 'OAUTH_NOT_AVAILABLE_EMAIL' })
  })
})

describe('a read model with oauth_accounts', () => {
  it('answers the user with its provider accounts', async () => {
    const withAccounts = await startOidcApp({ fields: { read: { oauth_accounts: Type.Optional(Type.Array(OAuthAccountSchema)) } } })
    try {
      const { user, token } = await withAccounts.test.createUser()
      const { id, email } = withAccounts.account()
      const { browser, callbackUrl } = await withAccounts.signIn(ROUTES.associate, id, new Browser(), bearerAuth(token))
      const response = await browser.fetch(callbackUrl, { headers: bearerAuth(token) })
      expect(response.status).toBe(200)
      const body = (await response.json()) as { id: string; oauth_accounts: unknown[] }
      expect(body.id).toBe(user.id)
      expect(body.oauth_accounts).toEqual([{
        id: expect.any(String),
        oauth_name: 'oidc',
        access_token: expect.any(String),
        expires_at: expect.any(Number),
        refresh_token: expect.any(String),
        account_id: id,
        account_email: email,
      }])
    } finally {
      await withAccounts.close()
    }
  })
})
