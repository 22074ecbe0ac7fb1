/**
 * The end-to-end setting of the OpenID Connect tests: a real OpenID Provider (test/support/
 * oidc-provider.ts) and an app listening on 127.0.0.1, with one OpenID Connect client mounted
 * as several routers, one per configuration under test. `startOidcApp` serves the route tests'
 * app; `startOidcSetting` any app a test builds.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { OpenIdConnectClient, type OpenIdClientOptions } from '../../src/oauth/index.ts'
import { buildTestApp, uniqueEmail, type TestApp, type TestAppOptions } from '../support/app.ts'
import { Browser, OidcTestProvider, type TestAccount } from '../support/oidc-provider.ts'

export const STATE_SECRET = 'oauth-state-secret-long-enough-for-hs256-0123'
export const FRONTEND_URLS = ['http://front.example/signed-in', 'http://front.example/welcome']

/** Mount points of the routers, by what they test. */
export const ROUTES = {
  login: '/auth/oidc',
  byEmail: '/auth/oidc-by-email',
  cookie: '/auth/oidc-cookie',
  frontend: '/auth/oidc-front',
  associate: '/auth/associate/oidc',
  associateVerified: '/auth/associate-verified/oidc',
} as const

/** What a setting serves: an app, not yet listening, and how to end it. */
export interface ServedApp {
  app: FastifyInstance
  close(): Promise<void>
}

export interface OidcSetting<T extends ServedApp> {
  test: T
  op: OidcTestProvider
  /** `http://127.0.0.1:<port>` of the app. */
  base: string
  client: OpenIdConnectClient
  /** Adds an account at the provider; returns its id and email. */
  account(claims?: TestAccount | ((email: string) => TestAccount)): { id: string; email: string }
  /** `GET {route}/authorize` in `browser` (the CSRF cookie lands in its jar); the authorization URL. */
  authorize(route: string, browser: Browser, headers?: Record<string, string>): Promise<string>
  /** Authorize, then log in at the provider as `account`: the callback URL the provider sends back. */
  signIn(route: string, account: string, browser?: Browser, headers?: Record<string, string>): Promise<{ browser: Browser; callbackUrl: string }>
  close(): Promise<void>
}

export type OidcApp = OidcSetting<TestApp>

/** The route tests' app with the routers of `ROUTES`. */
export function startOidcApp(options: Pick<TestAppOptions, 'fields' | 'storeFields' | 'before' | 'twoFactor' | 'manager' | 'audit'> = {}): Promise<OidcApp> {
  return startOidcSetting(Object.values(ROUTES), (client) =>
    buildTestApp({
      ...options,
      extend: async (app, users, { bearer, cookie }) => {
        const common = { stateSecret: STATE_SECRET }
        await app.register(users.oauthRoutes(client, bearer, common), { prefix: ROUTES.login })
        await app.register(users.oauthRoutes(client, bearer, { ...common, associateByEmail: true }), { prefix: ROUTES.byEmail })
        await app.register(users.oauthRoutes(client, cookie, { ...common, isVerifiedByDefault: true }), { prefix: ROUTES.cookie })
        await app.register(users.oauthRoutes(client, cookie, { ...common, frontendRedirectUrls: FRONTEND_URLS }), { prefix: ROUTES.frontend })
        await app.register(users.oauthAssociateRoutes(client, common), { prefix: ROUTES.associate })
        await app.register(users.oauthAssociateRoutes(client, { ...common, requiresVerification: true }), { prefix: ROUTES.associateVerified })
      },
    }))
}

/**
 * The provider, its client (`oidc`), and the app `build` makes with it, listening; `routes`
 * are the mount points of the app's OAuth routers, whose callbacks the provider accepts.
 */
export async function startOidcSetting<T extends ServedApp>(
  routes: readonly string[],
  build: (client: OpenIdConnectClient, another: (options: Partial<OpenIdClientOptions>) => OpenIdConnectClient) => Promise<T>,
): Promise<OidcSetting<T>> {
  const op = await OidcTestProvider.listen()
  const clientSecret = randomBytes(24).toString('base64url')
  // Clients of the same registration at the provider, e.g. mounted under other names.
  const another = (options: Partial<OpenIdClientOptions>) => new OpenIdConnectClient({
    issuer: op.issuer,
    clientId: 'fastify-users-test',
    clientSecret,
    name: 'oidc',
    scopes: ['openid', 'email'],
    allowInsecureRequests: true,
    ...options,
  })
  const client = another({})
  const test = await build(client, another)
  await test.app.listen({ port: 0, host: '127.0.0.1' })
  const address = test.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const base = `http://127.0.0.1:${address.port}`
  await op.configure({
    clients: [{
      client_id: 'fastify-users-test',
      client_secret: clientSecret,
      redirect_uris: routes.map((route) => `${base}${route}/callback`),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }],
  })

  let accounts = 0
  async function authorize(route: string, browser: Browser, headers: Record<string, string> = {}): Promise<string> {
    const response = await browser.fetch(`${base}${route}/authorize`, { headers })
    const body = (await response.json()) as { authorization_url?: string }
    if (response.status !== 200 || !body.authorization_url) throw new Error(`authorize answered ${response.status}`)
    return body.authorization_url
  }
  return {
    test, op, base, client, authorize,
    account(claims = (email) => ({ email, email_verified: true })) {
      const id = `acct-${process.pid}-${++accounts}-${randomBytes(4).toString('hex')}`
      const email = uniqueEmail('oidc')
      op.accounts.set(id, typeof claims === 'function' ? claims(email) : claims)
      return { id, email }
    },
    async signIn(route, account, browser = new Browser(), headers = {}) {
      const authorizationUrl = await authorize(route, browser, headers)
      return { browser, callbackUrl: await browser.authorize(authorizationUrl, account) }
    },
    close: async () => {
      await test.close()
      await op.close()
    },
  }
}

/** The payload of a JWT, unverified (for assertions on tokens the tests received). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}
