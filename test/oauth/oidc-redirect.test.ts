/**
 * Redirect mode: the callback sends the browser to an allowlisted front-end URL with the cookie
 * backend's cookie, instead of answering JSON; nothing else can be a target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthenticationBackend, BearerTransport, JwtStrategy, fastifyUsers } from '../../src/index.ts'
import { GoogleOAuthClient } from '../../src/oauth/index.ts'
import { SECRET } from '../support/app.ts'
import { Browser } from '../support/oidc-provider.ts'
import { FRONTEND_URLS, jwtPayload, ROUTES, STATE_SECRET, startOidcApp, type OidcApp } from './oidc-app.ts'

let e: OidcApp
beforeAll(async () => {
  e = await startOidcApp()
})
afterAll(() => e.close())

const authorizeUrl = (redirectTo?: string) =>
  `${e.base}${ROUTES.frontend}/authorize${redirectTo === undefined ? '' : `?redirect_to=${encodeURIComponent(redirectTo)}`}`

describe('GET /authorize?redirect_to=', () => {
  it('takes only a URL of the allowlist, exactly', async () => {
    const near = [
      'http://front.example/signed-in/',
      'http://front.example/signed-in?next=1',
      'http://front.example/signed-in.evil.example',
      'http://front.example.evil.example/signed-in',
      'https://front.example/signed-in',
      'HTTP://FRONT.EXAMPLE/signed-in',
      '//evil.example',
      'http://evil.example',
    ]
    for (const target of near) {
      const response = await fetch(authorizeUrl(target))
      expect({ target, status: response.status, body: await response.json() }).toEqual({ target, status: 400, body: { detail: 'Bad Request' } })
    }
    const chosen = await new Browser().fetch(authorizeUrl(FRONTEND_URLS[1]))
    expect(chosen.status).toBe(200)
    const { authorization_url: url } = (await chosen.json()) as { authorization_url: string }
    expect(jwtPayload(new URL(url).searchParams.get('state')!).redirect_to).toBe(FRONTEND_URLS[1])
  })
})

describe('GET /callback', () => {
  it('redirects to the chosen URL with the login cookie', async () => {
    const { id, email } = e.account()
    const browser = new Browser()
    const authorizationUrl = ((await (await browser.fetch(authorizeUrl(FRONTEND_URLS[1]))).json()) as { authorization_url: string }).authorization_url
    const callbackUrl = await browser.authorize(authorizationUrl, id)
    const response = await browser.fetch(callbackUrl)
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(FRONTEND_URLS[1])
    const [cleared, auth] = response.headers.getSetCookie()
    expect(cleared).toMatch(/^fastapiusersoauthcsrf=""; /)
    expect(auth).toMatch(/^fastapiusersauth=[\w.-]+; HttpOnly; Max-Age=3600; Path=\/; SameSite=lax; Secure$/)
    const me = await e.test.app.inject({ url: '/users/me', headers: { cookie: `fastapiusersauth=${browser.cookies.get('fastapiusersauth')}` } })
    expect(me.json().email).toBe(email)
  })

  it('redirects to the first URL when /authorize chose none', async () => {
    const { id } = e.account()
    const { browser, callbackUrl } = await e.signIn(ROUTES.frontend, id)
    const response = await browser.fetch(callbackUrl)
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(FRONTEND_URLS[0])
  })

  it('redirects a refusal with its detail in `error`, and sets no login cookie', async () => {
    const { id } = e.account({})
    const { browser, callbackUrl } = await e.signIn(ROUTES.frontend, id)
    const noEmail = await browser.fetch(callbackUrl)
    expect(noEmail.status).toBe(302)
    expect(noEmail.headers.get('location')).toBe(`${FRONTEND_URLS[0]}?error=OAUTH_NOT_AVAILABLE_EMAIL`)
    expect(noEmail.headers.getSetCookie().some((cookie) => cookie.startsWith('fastapiusersauth='))).toBe(false)

    const stranger = await fetch(callbackUrl, { redirect: 'manual' })
    expect(stranger.status).toBe(302)
    expect(stranger.headers.get('location')).toBe(`${FRONTEND_URLS[0]}?error=OAUTH_INVALID_STATE`)
  })
})

describe('configuration', () => {
  function setUp() {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 })
    const bearer = new AuthenticationBackend({ name: 'jwt', transport: new BearerTransport({ tokenUrl: 'login' }), strategy })
    const users = fastifyUsers({ db: e.test.store.users, backends: [bearer], manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET } })
    return { users, bearer, google: new GoogleOAuthClient({ clientId: 'id', clientSecret: 'secret' }) }
  }

  it('refuses redirect mode with a backend that answers a body (the token would have nowhere to go)', () => {
    const { users, bearer, google } = setUp()
    expect(() => users.oauthRoutes(google, bearer, { stateSecret: STATE_SECRET, frontendRedirectUrls: FRONTEND_URLS })).toThrow(/cookie/)
  })

  it('refuses an empty allowlist and URLs that are not absolute http(s)', () => {
    const { users, google } = setUp()
    for (const urls of [[], ['/relative'], ['javascript:alert(1)']]) {
      expect(() => users.oauthAssociateRoutes(google, { stateSecret: STATE_SECRET, frontendRedirectUrls: urls })).toThrow(TypeError)
    }
  })
})
