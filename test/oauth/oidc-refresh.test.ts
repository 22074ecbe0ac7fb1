/**
 * OAuth logins through a backend with refresh tokens hand one out as a password login does: a
 * `refresh_token` body field (bearer) or the refresh cookie scoped to the backend's auth routes'
 * `/refresh` (cookie, redirect mode included), usable there and ended by a logout of the access
 * token it came with. Without refresh tokens the callback's answer stays the backend's own.
 */
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthenticationBackend,
  BearerTransport,
  CookieTransport,
  JwtStrategy,
  MemoryRefreshTokenStore,
  fastifyUsers,
} from '../../src/index.ts'
import type { OpenIdConnectClient } from '../../src/oauth/index.ts'
import { FAST_HASHING, SECRET, bearerAuth } from '../support/app.ts'
import { openSqliteStore } from '../support/session-app.ts'
import { FRONTEND_URLS, STATE_SECRET, startOidcSetting, type OidcSetting, type ServedApp } from './oidc-app.ts'

const LIFETIME = 7 * 86400

/** Mount points of the OAuth routers, by the backend they log in through. */
const ROUTES = {
  bearer: '/auth/oidc-jwt',
  cookie: '/auth/oidc-cookie',
  frontend: '/auth/oidc-front',
  plain: '/auth/oidc-plain',
  unmounted: '/auth/oidc-unmounted',
} as const

async function buildApp(client: OpenIdConnectClient): Promise<ServedApp> {
  const opened = await openSqliteStore()
  const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 900 })
  const refresh = { store: new MemoryRefreshTokenStore(), lifetimeSeconds: LIFETIME }
  const bearerTransport = (name: string) => new BearerTransport({ tokenUrl: `auth/${name}/login` })
  const bearer = new AuthenticationBackend({ name: 'jwt', transport: bearerTransport('jwt'), strategy, refresh })
  const cookie = new AuthenticationBackend({ name: 'cookie', transport: new CookieTransport({ cookieMaxAge: 900 }), strategy, refresh })
  const plain = new AuthenticationBackend({ name: 'plain', transport: bearerTransport('plain'), strategy })
  const unmounted = new AuthenticationBackend({ name: 'unmounted', transport: bearerTransport('unmounted'), strategy, refresh })
  const users = fastifyUsers({
    db: opened.store.users,
    backends: [bearer, cookie, plain, unmounted],
    manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET, passwordHelper: FAST_HASHING },
  })
  const app = Fastify()
  const common = { stateSecret: STATE_SECRET }
  // The OAuth routers come first: they must find the refresh routes registered after them.
  await app.register(users.oauthRoutes(client, bearer, common), { prefix: ROUTES.bearer })
  await app.register(users.oauthRoutes(client, cookie, common), { prefix: ROUTES.cookie })
  await app.register(users.oauthRoutes(client, cookie, { ...common, frontendRedirectUrls: FRONTEND_URLS }), { prefix: ROUTES.frontend })
  await app.register(users.oauthRoutes(client, plain, common), { prefix: ROUTES.plain })
  await app.register(users.oauthRoutes(client, unmounted, common), { prefix: ROUTES.unmounted })
  await app.register(users.authRoutes(bearer), { prefix: '/auth/jwt' })
  await app.register(users.authRoutes(cookie), { prefix: '/auth/cookie' })
  await app.register(users.authRoutes(plain), { prefix: '/auth/plain' })
  await app.register(users.usersRoutes(), { prefix: '/users' })
  await app.ready()
  return {
    app,
    close: async () => {
      await app.close()
      await opened.drop()
    },
  }
}

let e: OidcSetting<ServedApp>
beforeAll(async () => {
  e = await startOidcSetting(Object.values(ROUTES), buildApp)
})
afterAll(() => e.close())

async function oauthLogin(route: string) {
  const { id } = e.account()
  const { browser, callbackUrl } = await e.signIn(route, id)
  return { browser, response: await browser.fetch(callbackUrl) }
}

const REFRESH_COOKIE = new RegExp(`^fastapiusersrefresh=([\\w-]{43}); HttpOnly; Max-Age=${LIFETIME}; Path=/auth/cookie/refresh; SameSite=strict; Secure$`)

describe('OAuth login with refresh tokens', () => {
  it('adds a refresh token to the bearer body, which /refresh of the backend takes', async () => {
    const { response } = await oauthLogin(ROUTES.bearer)
    expect(response.status).toBe(200)
    const text = await response.text()
    const body = JSON.parse(text) as { access_token: string; refresh_token: string }
    expect(text).toBe(`{"access_token":"${body.access_token}","token_type":"bearer","refresh_token":"${body.refresh_token}"}`)
    const refreshed = await e.test.app.inject({ method: 'POST', url: '/auth/jwt/refresh', payload: { refresh_token: body.refresh_token } })
    expect(refreshed.statusCode, refreshed.body).toBe(200)
    expect(refreshed.json().refresh_token).not.toBe(body.refresh_token)
    expect((await e.test.app.inject({ url: '/users/me', headers: bearerAuth(refreshed.json().access_token) })).statusCode).toBe(200)
  })

  it('binds the refresh token to the access token it came with: a logout ends both', async () => {
    const { response } = await oauthLogin(ROUTES.bearer)
    const body = (await response.json()) as { access_token: string; refresh_token: string }
    const logout = await e.test.app.inject({ method: 'POST', url: '/auth/jwt/logout', headers: bearerAuth(body.access_token) })
    expect(logout.statusCode).toBe(204)
    const refreshed = await e.test.app.inject({ method: 'POST', url: '/auth/jwt/refresh', payload: { refresh_token: body.refresh_token } })
    expect(refreshed.statusCode).toBe(401)
  })

  it('sets the refresh cookie of the cookie backend, scoped to its auth routes\' /refresh', async () => {
    const { response } = await oauthLogin(ROUTES.cookie)
    expect(response.status).toBe(204)
    const [cleared, auth, refreshCookie, ...others] = response.headers.getSetCookie()
    expect(cleared).toMatch(/^fastapiusersoauthcsrf=""; /)
    expect(auth).toMatch(/^fastapiusersauth=[\w.-]+; HttpOnly; Max-Age=900; Path=\/; SameSite=lax; Secure$/)
    const token = REFRESH_COOKIE.exec(refreshCookie ?? '')?.[1]
    expect(token, refreshCookie).toBeDefined()
    expect(others).toEqual([])
    const refreshed = await e.test.app.inject({ method: 'POST', url: '/auth/cookie/refresh', headers: { cookie: `fastapiusersrefresh=${token}` } })
    expect(refreshed.statusCode, refreshed.body).toBe(204)
    expect(String(refreshed.headers['set-cookie'])).toMatch(/fastapiusersrefresh=[\w-]{43}; /)
  })

  it('sets the refresh cookie in redirect mode too', async () => {
    const { response } = await oauthLogin(ROUTES.frontend)
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(FRONTEND_URLS[0])
    expect(response.headers.getSetCookie().filter((cookie) => REFRESH_COOKIE.test(cookie))).toHaveLength(1)
  })
})

describe('OAuth login without refresh tokens', () => {
  it('answers exactly the backend\'s own login body', async () => {
    const { response } = await oauthLogin(ROUTES.plain)
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(text).toBe(`{"access_token":"${JSON.parse(text).access_token}","token_type":"bearer"}`)
  })

  it('hands out none for a backend whose auth routes, and so /refresh, are not registered', async () => {
    const { response } = await oauthLogin(ROUTES.unmounted)
    expect(response.status).toBe(200)
    expect(Object.keys((await response.json()) as object)).toEqual(['access_token', 'token_type'])
  })
})
