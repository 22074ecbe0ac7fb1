/**
 * OAuth login against a real OpenID Provider, over HTTP from end to end: the authorization URL,
 * the login and consent at the provider, the callback (CONTRACT §5.6, §9.6, §13.6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OAUTH_STATE_AUDIENCE } from '../../src/tokens.ts'
import { oidcNonce, OAuthStateTokens, pkceChallenge, pkceVerifier } from '../../src/oauth/index.ts'
import { bearerAuth } from '../support/app.ts'
import { Browser } from '../support/oidc-provider.ts'
import { jwtPayload, ROUTES, STATE_SECRET, startOidcApp, type OidcApp } from './oidc-app.ts'

let e: OidcApp
const operationIds: string[] = []

beforeAll(async () => {
  e = await startOidcApp({ before: (app) => void app.addHook('onRoute', (route) => void operationIds.push(String(route.schema?.operationId))) })
})
afterAll(() => e.close())

const CSRF_COOKIE = /^fastapiusersoauthcsrf=([A-Za-z0-9_-]{43}); HttpOnly; Max-Age=600; Path=\/; SameSite=lax; Secure$/
const CLEARED = 'fastapiusersoauthcsrf=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure'

async function accountsOf(email: string) {
  const user = await e.test.store.users.getByEmail(email)
  return user ? e.test.store.users.listOAuthAccounts(user) : []
}

describe('GET /authorize', () => {
  it('answers the authorization URL and sets the CSRF cookie that the state carries', async () => {
    const browser = new Browser()
    const response = await browser.fetch(`${e.base}${ROUTES.login}/authorize`)
    expect(response.status).toBe(200)
    const { authorization_url: authorizationUrl } = (await response.json()) as { authorization_url: string }
    const [setCookie] = response.headers.getSetCookie()
    const csrftoken = CSRF_COOKIE.exec(setCookie ?? '')?.[1]
    expect(csrftoken, setCookie).toBeDefined()

    const url = new URL(authorizationUrl)
    expect(url.origin).toBe(e.op.issuer)
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'fastify-users-test',
      redirect_uri: `${e.base}${ROUTES.login}/callback`,
      scope: 'openid email',
      state: expect.any(String),
      code_challenge: pkceChallenge(pkceVerifier(csrftoken!, new OAuthStateTokens(STATE_SECRET).keys)),
      code_challenge_method: 'S256',
      nonce: oidcNonce(csrftoken!, new OAuthStateTokens(STATE_SECRET).keys),
    })
    const state = jwtPayload(url.searchParams.get('state')!)
    expect(state).toEqual({ csrftoken, oauth_name: 'oidc', aud: OAUTH_STATE_AUDIENCE, exp: expect.any(Number) })
    expect(state.exp).toBeGreaterThan(Date.now() / 1000 + 590)
    expect(state.exp).toBeLessThanOrEqual(Date.now() / 1000 + 600)
  })

  it('asks for the scopes given as repeated `scopes` parameters', async () => {
    const response = await new Browser().fetch(`${e.base}${ROUTES.login}/authorize?scopes=openid&scopes=email&scopes=offline_access`)
    const { authorization_url: authorizationUrl } = (await response.json()) as { authorization_url: string }
    expect(new URL(authorizationUrl).searchParams.get('scope')).toBe('openid email offline_access')
  })

  it('names its routes as FastAPI Users does', () => {
    expect(operationIds).toEqual(expect.arrayContaining(['oauth:oidc.jwt.authorize', 'oauth:oidc.jwt.callback', 'oauth:oidc.cookie.callback']))
  })
})

describe('GET /callback', () => {
  it('creates an unverified user at the first login, stores the provider account, and logs in', async () => {
    const { id, email } = e.account()
    const { browser, callbackUrl } = await e.signIn(ROUTES.login, id)
    const response = await browser.fetch(callbackUrl)
    expect(response.status).toBe(200)
    expect(response.headers.getSetCookie()).toEqual([CLEARED])
    const body = (await response.json()) as { access_token: string; token_type: string }
    expect(body.token_type).toBe('bearer')
    expect(browser.cookies.has('fastapiusersoauthcsrf')).toBe(false)

    const me = await e.test.app.inject({ url: '/users/me', headers: bearerAuth(body.access_token) })
    expect(me.json()).toMatchObject({ email, is_active: true, is_superuser: false, is_verified: false })
    const [account, ...others] = await accountsOf(email)
    expect(others).toEqual([])
    expect(account).toMatchObject({ oauth_name: 'oidc', account_id: id, account_email: email, refresh_token: expect.any(String) })
    expect(account!.access_token.length).toBeGreaterThan(20)
    expect(account!.expires_at).toBeGreaterThan(Date.now() / 1000 + 3500)
    expect(e.test.callsOf('onAfterRegister').map((call) => (call.args[0] as { email: string }).email)).toContain(email)
    expect(e.test.callsOf('onAfterLogin').some((call) => (call.args[0] as { email: string }).email === email)).toBe(true)
  })

  it('logs a returning user in, refreshing the stored tokens and email', async () => {
    const { id, email } = e.account()
    const first = await e.signIn(ROUTES.login, id)
    expect((await first.browser.fetch(first.callbackUrl)).status).toBe(200)
    const [before] = await accountsOf(email)
    const registrations = e.test.callsOf('onAfterRegister').length

    e.op.accounts.set(id, { email: `changed-${email}`, email_verified: true })
    const again = await e.signIn(ROUTES.login, id, first.browser)
    const response = await again.browser.fetch(again.callbackUrl)
    expect(response.status).toBe(200)
    const [after, ...others] = await accountsOf(email)
    expect(others).toEqual([])
    expect(after).toMatchObject({ id: before!.id, account_id: id, account_email: `changed-${email}` })
    expect(after!.access_token).not.toBe(before!.access_token)
    expect(e.test.callsOf('onAfterRegister').length).toBe(registrations)
  })

  it('answers as the cookie backend does, and verifies new users with isVerifiedByDefault', async () => {
    const { id, email } = e.account()
    const { browser, callbackUrl } = await e.signIn(ROUTES.cookie, id)
    const response = await browser.fetch(callbackUrl)
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    const [cleared, auth] = response.headers.getSetCookie()
    expect(cleared).toBe(CLEARED)
    expect(auth).toMatch(/^fastapiusersauth=[\w.-]+; HttpOnly; Max-Age=3600; Path=\/; SameSite=lax; Secure$/)
    expect((await e.test.store.users.getByEmail(email))?.is_verified).toBe(true)
  })

  it('refuses a provider email that belongs to a user, unless associateByEmail links them', async () => {
    const { id, email } = e.account((address) => ({ email: address.toUpperCase().replace('@EXAMPLE.COM', '@example.com'), email_verified: true }))
    const { user } = await e.test.createUser({ email, is_verified: true })
    const refused = await e.signIn(ROUTES.login, id)
    const response = await refused.browser.fetch(refused.callbackUrl)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ detail: 'OAUTH_USER_ALREADY_EXISTS' })
    expect(await accountsOf(email)).toEqual([])

    const linked = await e.signIn(ROUTES.byEmail, id)
    const ok = await linked.browser.fetch(linked.callbackUrl)
    expect(ok.status).toBe(200)
    const token = ((await ok.json()) as { access_token: string }).access_token
    expect((await e.test.app.inject({ url: '/users/me', headers: bearerAuth(token) })).json().id).toBe(user.id)
    expect((await accountsOf(email)).map((account) => account.account_id)).toEqual([id])
  })

  it('refuses a provider account without an email', async () => {
    const { id } = e.account({})
    const { browser, callbackUrl } = await e.signIn(ROUTES.login, id)
    const response = await browser.fetch(callbackUrl)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ detail: 'OAUTH_NOT_AVAILABLE_EMAIL' })
  })

  it('neither creates a user nor links an existing one for an email the provider did not verify', async () => {
    const fresh = e.account((email) => ({ email, email_verified: false }))
    const created = await e.signIn(ROUTES.login, fresh.id)
    const response = await created.browser.fetch(created.callbackUrl)
    expect(await response.json()).toEqual({ detail: 'OAUTH_NOT_AVAILABLE_EMAIL' })
    expect(await e.test.store.users.getByEmail(fresh.email)).toBeNull()

    const taken = e.account((email) => ({ email, email_verified: false }))
    await e.test.createUser({ email: taken.email })
    const linked = await e.signIn(ROUTES.byEmail, taken.id)
    const refused = await linked.browser.fetch(linked.callbackUrl)
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual({ detail: 'OAUTH_NOT_AVAILABLE_EMAIL' })
    expect(await accountsOf(taken.email)).toEqual([])
  })

  it('refuses an inactive user with LOGIN_BAD_CREDENTIALS', async () => {
    const { id, email } = e.account()
    const first = await e.signIn(ROUTES.login, id)
    expect((await first.browser.fetch(first.callbackUrl)).status).toBe(200)
    const user = (await e.test.store.users.getByEmail(email))!
    await e.test.store.users.update(user, { is_active: false })
    const again = await e.signIn(ROUTES.login, id)
    const response = await again.browser.fetch(again.callbackUrl)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
  })
})
