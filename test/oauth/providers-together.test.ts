/**
 * Every provider client mounted together in one app (issue 19, item 4): each `/authorize`
 * points at its provider with its scopes, a nonce wherever an ID token is asked for, and a state
 * bound to its name; Apple's form POST callback sends the browser on to `GET /callback`. The
 * code exchanges of the arctic clients run against stand-ins in providers.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AppleOAuthClient,
  DiscordOAuthClient,
  FacebookOAuthClient,
  GitHubOAuthClient,
  GitLabOAuthClient,
  GoogleOAuthClient,
  LinkedInOAuthClient,
  MicrosoftOAuthClient,
  SlackOAuthClient,
  TwitchOAuthClient,
  type OAuthClient,
} from '../../src/oauth/index.ts'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { jwtPayload } from './oidc-app.ts'

const STATE_SECRET = 'providers-together-secret-long-enough-0123456'
const credentials = { clientId: 'client-id', clientSecret: 'client-secret' }
const applePrivateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()

const CLIENTS: OAuthClient[] = [
  new GoogleOAuthClient(credentials),
  new GitHubOAuthClient(credentials),
  new MicrosoftOAuthClient(credentials),
  new DiscordOAuthClient(credentials),
  new AppleOAuthClient({ clientId: 'com.example.web', teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: applePrivateKey }),
  new GitLabOAuthClient({ ...credentials, baseUrl: 'https://gitlab.example.com/' }),
  new LinkedInOAuthClient(credentials),
  new FacebookOAuthClient(credentials),
  new TwitchOAuthClient(credentials),
  new SlackOAuthClient(credentials),
]

/** Where each provider's authorization page is, its default scopes, and whether it gets a nonce. */
const EXPECTED: Record<string, { url: string; scope: string; nonce: boolean }> = {
  google: { url: 'https://accounts.google.com/o/oauth2/v2/auth', scope: 'openid email profile', nonce: true },
  github: { url: 'https://github.com/login/oauth/authorize', scope: 'user:email', nonce: false },
  microsoft: { url: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize', scope: 'openid email profile', nonce: true },
  discord: { url: 'https://discord.com/oauth2/authorize', scope: 'identify email', nonce: false },
  apple: { url: 'https://appleid.apple.com/auth/authorize', scope: 'name email', nonce: true },
  gitlab: { url: 'https://gitlab.example.com/oauth/authorize', scope: 'openid email', nonce: true },
  // LinkedIn issues ID tokens without the nonce: none is asked for, its ID token is not used.
  linkedin: { url: 'https://www.linkedin.com/oauth/v2/authorization', scope: 'openid profile email', nonce: false },
  facebook: { url: 'https://www.facebook.com/v16.0/dialog/oauth', scope: 'email public_profile', nonce: false },
  twitch: { url: 'https://id.twitch.tv/oauth2/authorize', scope: 'openid user:read:email', nonce: true },
  slack: { url: 'https://slack.com/openid/connect/authorize', scope: 'openid email profile', nonce: true },
}

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({
    extend: async (app, users, { bearer }) => {
      for (const client of CLIENTS) {
        await app.register(users.oauthRoutes(client, bearer, { stateSecret: STATE_SECRET }), { prefix: `/auth/${client.name}` })
        await app.register(users.oauthAssociateRoutes(client, { stateSecret: STATE_SECRET }), { prefix: `/auth/associate/${client.name}` })
      }
    },
  })
})
afterAll(() => t.close())

describe('ten providers side by side', () => {
  it('each answers its own authorization URL, with a state bound to its name', async () => {
    expect(CLIENTS.map((client) => client.name).sort()).toEqual(Object.keys(EXPECTED).sort())
    for (const client of CLIENTS) {
      const response = await t.app.inject({ url: `/auth/${client.name}/authorize` })
      expect(response.statusCode, client.name).toBe(200)
      const url = new URL((response.json() as { authorization_url: string }).authorization_url)
      const expected = EXPECTED[client.name]!
      expect({ name: client.name, url: `${url.origin}${url.pathname}`, scope: url.searchParams.get('scope'), nonce: url.searchParams.has('nonce') })
        .toEqual({ name: client.name, ...expected })
      expect(url.searchParams.get('redirect_uri')).toBe(`http://localhost:80/auth/${client.name}/callback`)
      expect(jwtPayload(url.searchParams.get('state')!).oauth_name).toBe(client.name)
    }
  })

  it("asks Apple for a form POST, and Twitch for the email claims of its user info", async () => {
    const apple = new URL((await t.app.inject({ url: '/auth/apple/authorize' })).json().authorization_url)
    expect(apple.searchParams.get('response_mode')).toBe('form_post')
    const twitch = new URL((await t.app.inject({ url: '/auth/twitch/authorize' })).json().authorization_url)
    expect(JSON.parse(twitch.searchParams.get('claims')!)).toEqual({ userinfo: { email: null, email_verified: null } })
  })
})

describe("Apple's form POST callback", () => {
  it('sends the browser on to GET /callback with the authorization response, for login and associate', async () => {
    for (const route of ['/auth/apple', '/auth/associate/apple']) {
      const response = await t.app.inject({
        method: 'POST',
        url: `${route}/callback`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ code: 'c0de', state: 'the-state', user: '{"name":{"firstName":"A"}}', id_token: 'x.y.z' }).toString(),
      })
      expect(response.statusCode, route).toBe(303)
      expect(response.headers['cache-control']).toBe('no-store')
      const location = new URL(String(response.headers.location))
      expect(`${location.pathname}?${location.searchParams}`).toBe(`${route}/callback?code=c0de&state=the-state`)
    }
  })

  it('is served only for form POST providers', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/auth/google/callback', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'code=x' })
    expect(response.statusCode).toBe(404)
  })

  it("reads the profile from Apple's ID token, whose issuer must be Apple", async () => {
    const apple = CLIENTS.find((client) => client.name === 'apple')!
    const tokens = { accessToken: 'a', expiresAt: null, refreshToken: null }
    const claims = { iss: 'https://appleid.apple.com', sub: '001234.abcd', email: 'x@privaterelay.appleid.com', email_verified: 'true' }
    expect(await apple.profile({ ...tokens, idTokenClaims: claims })).toEqual({ accountId: '001234.abcd', email: 'x@privaterelay.appleid.com', emailVerified: true })
    await expect(apple.profile({ ...tokens, idTokenClaims: { ...claims, iss: 'https://evil.example' } })).rejects.toMatchObject({ detail: 'OAUTH_INVALID_PROVIDER_RESPONSE' })
  })
})
