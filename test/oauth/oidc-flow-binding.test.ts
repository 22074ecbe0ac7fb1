/**
 * Tighter flows (issue 19, item 3), against a real OpenID Provider mounted twice under two
 * names (`oidc-a`, `oidc-b`: one registration, two routers sharing the state secret and the
 * CSRF cookie, as two providers of one application do):
 * - a state issued for one provider is refused at the other's callback, before any exchange;
 * - states (and the CSRF cookie) live ten minutes by default, `stateLifetimeSeconds` otherwise;
 * - the `nonce` goes with every request for an ID token, and `requireIdToken` always asks for one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { Browser } from '../support/oidc-provider.ts'
import { jwtPayload, STATE_SECRET, startOidcSetting, type OidcSetting } from './oidc-app.ts'

const ROUTES = { a: '/auth/oidc-a', b: '/auth/oidc-b', short: '/auth/oidc-short', idToken: '/auth/oidc-id-token' } as const

let e: OidcSetting<TestApp>
beforeAll(async () => {
  e = await startOidcSetting(Object.values(ROUTES), (_client, another) => buildTestApp({
    extend: async (app, users, { bearer }) => {
      const common = { stateSecret: STATE_SECRET }
      await app.register(users.oauthRoutes(another({ name: 'oidc-a' }), bearer, common), { prefix: ROUTES.a })
      await app.register(users.oauthRoutes(another({ name: 'oidc-b' }), bearer, common), { prefix: ROUTES.b })
      await app.register(users.oauthRoutes(another({ name: 'oidc-short' }), bearer, { ...common, stateLifetimeSeconds: 60 }), { prefix: ROUTES.short })
      const strict = another({ name: 'oidc-id-token', requireIdToken: true, scopes: ['email'] })
      await app.register(users.oauthRoutes(strict, bearer, common), { prefix: ROUTES.idToken })
    },
  }))
})
afterAll(() => e.close())

describe('two providers side by side', () => {
  it('each logs in under its own name: the same person at the other is another provider account, not linked silently', async () => {
    const { id, email } = e.account()
    for (const route of [ROUTES.a, ROUTES.b]) {
      const { browser, callbackUrl } = await e.signIn(route, id)
      const response = await browser.fetch(callbackUrl)
      expect(response.status, route).toBe(route === ROUTES.a ? 200 : 400)
    }
    const user = (await e.test.store.users.getByEmail(email))!
    expect((await e.test.store.users.listOAuthAccounts(user)).map((account) => account.oauth_name)).toEqual(['oidc-a'])
  })

  it("refuses provider A's state at provider B's callback, before the code reaches anyone", async () => {
    const { id, email } = e.account()
    const { browser, callbackUrl } = await e.signIn(ROUTES.a, id)
    expect(jwtPayload(new URL(callbackUrl).searchParams.get('state')!).oauth_name).toBe('oidc-a')
    const atB = new URL(callbackUrl)
    atB.pathname = `${ROUTES.b}/callback`
    const grants = e.op.tokenGrants
    const csrf = browser.cookies.get('fastapiusersoauthcsrf')!
    const replayed = await fetch(atB, { headers: { cookie: `fastapiusersoauthcsrf=${csrf}` } })
    expect({ status: replayed.status, body: await replayed.json() }).toEqual({ status: 400, body: { detail: 'OAUTH_INVALID_STATE' } })
    expect(e.op.tokenGrants).toBe(grants)
    expect(await e.test.store.users.getByEmail(email)).toBeNull()
    const genuine = await fetch(callbackUrl, { headers: { cookie: `fastapiusersoauthcsrf=${csrf}` } })
    expect(genuine.status).toBe(200)
  })
})

describe('state lifetime', () => {
  it('is ten minutes by default, and stateLifetimeSeconds otherwise, for the state and its cookie', async () => {
    for (const [route, seconds] of [[ROUTES.a, 600], [ROUTES.short, 60]] as const) {
      const response = await new Browser().fetch(`${e.base}${route}/authorize`)
      expect(response.headers.getSetCookie()[0]).toContain(`Max-Age=${seconds};`)
      const state = jwtPayload(new URL(((await response.json()) as { authorization_url: string }).authorization_url).searchParams.get('state')!)
      const left = (state.exp as number) - Date.now() / 1000
      expect(left).toBeGreaterThan(seconds - 10)
      expect(left).toBeLessThanOrEqual(seconds)
    }
  })
})

describe('ID tokens', () => {
  it('sends the nonce with every request for an ID token, and none without', async () => {
    const browser = new Browser()
    expect(new URL(await e.authorize(ROUTES.a, browser)).searchParams.get('nonce')).toMatch(/^[\w-]{43}$/)
    const withoutOpenId = await browser.fetch(`${e.base}${ROUTES.a}/authorize?scopes=email`)
    const url = new URL(((await withoutOpenId.json()) as { authorization_url: string }).authorization_url)
    expect(url.searchParams.get('scope')).toBe('email')
    expect(url.searchParams.has('nonce')).toBe(false)
  })

  it('requireIdToken asks for openid whatever the scopes, so every login carries a validated ID token', async () => {
    const browser = new Browser()
    for (const query of ['', '?scopes=email']) {
      const response = await browser.fetch(`${e.base}${ROUTES.idToken}/authorize${query}`)
      const url = new URL(((await response.json()) as { authorization_url: string }).authorization_url)
      expect(url.searchParams.get('scope')).toBe('openid email')
      expect(url.searchParams.has('nonce')).toBe(true)
    }
    const { id } = e.account()
    const { browser: signedIn, callbackUrl } = await e.signIn(ROUTES.idToken, id)
    expect((await signedIn.fetch(callbackUrl)).status).toBe(200)
  })
})
