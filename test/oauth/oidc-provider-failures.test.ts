/**
 * A misbehaving OpenID Provider never makes a 500 (issue 19, item 2): the provider refusing or
 * answering what the protocol does not allow is 400 with a stable code, the provider
 * unreachable or answering 5xx is 502 `OAUTH_PROVIDER_UNAVAILABLE`. The real provider is
 * steered per case (misbehaving-provider.ts); in every case no user is created.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp } from '../support/app.ts'
import { Browser } from '../support/oidc-provider.ts'
import { editJson, status, steerProvider, unreachable, type Answer, type Endpoint, type ProviderSteering } from './misbehaving-provider.ts'
import { ROUTES, STATE_SECRET, startOidcApp, startOidcSetting, type OidcApp } from './oidc-app.ts'

let e: OidcApp
let steering: ProviderSteering
beforeAll(async () => {
  e = await startOidcApp()
  steering = steerProvider(e.op.issuer)
})
afterEach(() => steering.reset())
afterAll(async () => {
  steering.restore()
  await e.close()
})

/**
 * The JWT with some claims replaced, under its original signature. openid-client trusts the
 * signature of an ID token received from the token endpoint over TLS (OpenID Connect Core
 * §3.1.3.7), but checks its claims.
 */
function withClaims(jwt: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = jwt.split('.')
  const edited = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>), ...claims }
  return [header, Buffer.from(JSON.stringify(edited)).toString('base64url'), signature].join('.')
}

async function signInWith(endpoint: Endpoint | null, answer: Answer | null, claims?: Parameters<OidcApp['account']>[0]) {
  const { id, email } = e.account(claims)
  const { browser, callbackUrl } = await e.signIn(ROUTES.login, id)
  if (endpoint !== null && answer !== null) steering.set(endpoint, answer)
  const response = await browser.fetch(callbackUrl)
  return { status: response.status, body: await response.json(), email }
}

describe('provider unavailable: 502', () => {
  const cases: Array<[string, Endpoint, Answer]> = [
    ['token endpoint 503', 'token', status(503)],
    ['token endpoint 500 with an OAuth error', 'token', status(500, JSON.stringify({ error: 'server_error' }), 'application/json')],
    ['token endpoint unreachable', 'token', unreachable()],
    ['user-info endpoint 502', 'userinfo', status(502)],
    ['user-info endpoint unreachable', 'userinfo', unreachable()],
  ]
  for (const [name, endpoint, answer] of cases) {
    it(name, async () => {
      const answered = await signInWith(endpoint, answer)
      expect({ status: answered.status, body: answered.body }).toEqual({ status: 502, body: { detail: 'OAUTH_PROVIDER_UNAVAILABLE' } })
      expect(await e.test.store.users.getByEmail(answered.email)).toBeNull()
    })
  }

  it('at /authorize, when discovery fails', async () => {
    const dead = await startOidcSetting(['/auth/dead'], async (_client, another) => {
      const test = await buildTestApp({
        extend: async (app, users, { bearer }) => {
          const client = another({ issuer: 'http://127.0.0.1:9/', name: 'dead' })
          await app.register(users.oauthRoutes(client, bearer, { stateSecret: STATE_SECRET }), { prefix: '/auth/dead' })
        },
      })
      return test
    })
    try {
      const response = await new Browser().fetch(`${dead.base}/auth/dead/authorize`)
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 502, body: { detail: 'OAUTH_PROVIDER_UNAVAILABLE' } })
    } finally {
      await dead.close()
    }
  })
})

describe('invalid answers: 400 OAUTH_INVALID_PROVIDER_RESPONSE', () => {
  const cases: Array<[string, Endpoint, Answer]> = [
    ['a token response without access_token', 'token', editJson(({ access_token: _, ...rest }) => rest)],
    ['a token response without the ID token that openid asks for', 'token', editJson(({ id_token: _, ...rest }) => rest)],
    ['an ID token for another client', 'token', editJson((body) => ({ ...body, id_token: withClaims(String(body.id_token), { aud: 'another-client' }) }))],
    ['an ID token of another issuer', 'token', editJson((body) => ({ ...body, id_token: withClaims(String(body.id_token), { iss: 'http://127.0.0.1:9' }) }))],
    ['an expired ID token', 'token', editJson((body) => ({ ...body, id_token: withClaims(String(body.id_token), { exp: 1_000_000 }) }))],
    ['a user-info sub other than the ID token\'s', 'userinfo', editJson((body) => ({ ...body, sub: 'someone-else' }))],
    ['a user-info answer that is not JSON', 'userinfo', status(200, 'not json', 'text/plain')],
  ]
  for (const [name, endpoint, answer] of cases) {
    it(name, async () => {
      const answered = await signInWith(endpoint, answer)
      expect({ status: answered.status, body: answered.body }).toEqual({ status: 400, body: { detail: 'OAUTH_INVALID_PROVIDER_RESPONSE' } })
      expect(await e.test.store.users.getByEmail(answered.email)).toBeNull()
    })
  }

  it('a callback whose iss is missing or another issuer\'s (RFC 9207: the provider advertises it)', async () => {
    for (const iss of [null, 'http://127.0.0.1:9']) {
      const { id, email } = e.account()
      const { browser, callbackUrl } = await e.signIn(ROUTES.login, id)
      const url = new URL(callbackUrl)
      expect(url.searchParams.get('iss')).toBe(e.op.issuer)
      if (iss === null) url.searchParams.delete('iss')
      else url.searchParams.set('iss', iss)
      const response = await browser.fetch(url.toString())
      expect({ iss, status: response.status, body: await response.json() }).toEqual({ iss, status: 400, body: { detail: 'OAUTH_INVALID_PROVIDER_RESPONSE' } })
      expect(await e.test.store.users.getByEmail(email)).toBeNull()
    }
  })

  it('an ID token minted for another flow (its nonce)', async () => {
    const { id, email } = e.account()
    const browser = new Browser()
    const authorizationUrl = new URL(await e.authorize(ROUTES.login, browser))
    authorizationUrl.searchParams.set('nonce', 'the-nonce-of-another-flow')
    const callbackUrl = await browser.authorize(authorizationUrl.toString(), id)
    const response = await browser.fetch(callbackUrl)
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: { detail: 'OAUTH_INVALID_PROVIDER_RESPONSE' } })
    expect(await e.test.store.users.getByEmail(email)).toBeNull()
  })
})

describe('refusals by the provider', () => {
  it('a token endpoint refusing the client is 400 OAUTH_PROVIDER_REFUSED', async () => {
    const answered = await signInWith('token', status(401, JSON.stringify({ error: 'invalid_client' }), 'application/json'))
    expect({ status: answered.status, body: answered.body }).toEqual({ status: 400, body: { detail: 'OAUTH_PROVIDER_REFUSED' } })
  })

  it('the genuine flow still logs in once the provider behaves', async () => {
    const answered = await signInWith(null, null)
    expect(answered.status).toBe(200)
  })
})
