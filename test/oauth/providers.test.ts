/**
 * The clients of Google, GitHub, Microsoft Entra ID and Discord, through the OAuth routes, with
 * arctic's token requests and our user-info requests answered by local stand-ins
 * (provider-stand-ins.ts). The authorization URLs are the real providers'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DiscordOAuthClient,
  GitHubOAuthClient,
  GoogleOAuthClient,
  MicrosoftOAuthClient,
  OAuthProviderRefusedError,
  OAuthStateTokens,
  pkceChallenge,
  pkceVerifier,
  type OAuthClient,
} from '../../src/oauth/index.ts'
import { providerFailure } from '../../src/oauth/provider-failure.ts'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { ProviderStandIns, type ProviderKind, type StandInAccount } from './provider-stand-ins.ts'

const STATE_SECRET = 'provider-state-secret-long-enough-for-hs256'
let standIns: ProviderStandIns
let t: TestApp
let serial = 0

beforeAll(async () => {
  standIns = await ProviderStandIns.start()
  const credentials = { clientId: standIns.clientId, clientSecret: standIns.clientSecret }
  const clients: Record<ProviderKind, OAuthClient> = {
    google: new GoogleOAuthClient(credentials),
    github: new GitHubOAuthClient(credentials),
    microsoft: new MicrosoftOAuthClient({ ...credentials, tenant: 'contoso.onmicrosoft.com' }),
    discord: new DiscordOAuthClient(credentials),
  }
  t = await buildTestApp({
    extend: async (app, users, { bearer }) => {
      for (const [kind, client] of Object.entries(clients)) {
        await app.register(users.oauthRoutes(client, bearer, { stateSecret: STATE_SECRET }), { prefix: `/auth/${kind}` })
      }
    },
  })
})
afterAll(async () => {
  await t?.close()
  await standIns?.close()
})

function account(fields: Partial<StandInAccount> = {}): StandInAccount {
  const id = String(1_000_000 + ++serial)
  return { id, email: `user${id}@example.com`, verified: true, ...fields }
}

async function authorize(kind: ProviderKind) {
  const response = await t.app.inject({ url: `/auth/${kind}/authorize` })
  expect(response.statusCode).toBe(200)
  const cookie = String(response.headers['set-cookie']).split(';')[0]!
  return { authorizationUrl: (response.json() as { authorization_url: string }).authorization_url, cookie }
}

async function login(kind: ProviderKind, who: StandInAccount, tamper?: (callback: URL) => void) {
  const { authorizationUrl, cookie } = await authorize(kind)
  const callback = new URL(standIns.issueCode(kind, authorizationUrl, who))
  tamper?.(callback)
  return t.app.inject({ url: `${callback.pathname}${callback.search}`, headers: { cookie } })
}

const EXPECTED: Record<ProviderKind, { url: string; scope: string; pkce: boolean; requests: string[] }> = {
  google: {
    url: 'https://accounts.google.com/o/oauth2/v2/auth',
    scope: 'openid email profile',
    pkce: true,
    requests: ['POST oauth2.googleapis.com /token', 'GET openidconnect.googleapis.com /v1/userinfo'],
  },
  github: {
    url: 'https://github.com/login/oauth/authorize',
    scope: 'user:email',
    pkce: false,
    requests: ['POST github.com /login/oauth/access_token', 'GET api.github.com /user', 'GET api.github.com /user/emails'],
  },
  microsoft: {
    url: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
    scope: 'openid email profile',
    pkce: true,
    requests: ['POST login.microsoftonline.com /contoso.onmicrosoft.com/oauth2/v2.0/token'],
  },
  discord: {
    url: 'https://discord.com/oauth2/authorize',
    scope: 'identify email',
    pkce: true,
    requests: ['POST discord.com /api/oauth2/token', 'GET discord.com /api/users/@me'],
  },
}

describe.each(Object.keys(EXPECTED) as ProviderKind[])('%s', (kind) => {
  const expected = EXPECTED[kind]

  it("builds the provider's authorization URL, with PKCE where the client supports it", async () => {
    const { authorizationUrl, cookie } = await authorize(kind)
    const url = new URL(authorizationUrl)
    expect(`${url.origin}${url.pathname}`).toBe(expected.url)
    expect(url.searchParams.get('client_id')).toBe(standIns.clientId)
    expect(url.searchParams.get('redirect_uri')).toBe(`http://localhost:80/auth/${kind}/callback`)
    expect(url.searchParams.get('scope')).toBe(expected.scope)
    const csrftoken = cookie.split('=')[1]!
    const challenge = expected.pkce ? pkceChallenge(pkceVerifier(csrftoken, new OAuthStateTokens(STATE_SECRET).keys)) : null
    expect(url.searchParams.get('code_challenge')).toBe(challenge)
    expect(url.searchParams.get('code_challenge_method')).toBe(expected.pkce ? 'S256' : null)
  })

  it('creates the user at the first login, logs in again later, and stores the tokens', async () => {
    const who = account()
    const sent = standIns.requests.length
    const first = await login(kind, who)
    expect(first.statusCode, first.body).toBe(200)
    expect(standIns.requests.slice(sent).sort()).toEqual([...expected.requests].sort())
    const user = (await t.store.users.getByEmail(who.email!))!
    expect(user.is_verified).toBe(false)
    const second = await login(kind, who)
    expect(second.statusCode).toBe(200)
    const accounts = await t.store.users.listOAuthAccounts(user)
    expect(accounts).toEqual([{
      id: expect.any(String),
      oauth_name: kind,
      access_token: expect.stringMatching(`^${kind}-access-`),
      expires_at: expect.any(Number),
      refresh_token: kind === 'github' ? null : expect.stringMatching(`^${kind}-refresh-`),
      account_id: who.id,
      account_email: who.email,
    }])
    expect(Math.abs(accounts[0]!.expires_at! - (Date.now() / 1000 + 3599))).toBeLessThan(60)
  })

  it("refuses an email that the provider did not verify, or no email", async () => {
    for (const who of [account({ verified: false }), account({ email: null })]) {
      const response = await login(kind, who)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({ detail: 'OAUTH_NOT_AVAILABLE_EMAIL' })
    }
  })

  it('answers invalid_grant for a code the provider refuses', async () => {
    const response = await login(kind, account(), (callback) => callback.searchParams.set('code', 'forged'))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ detail: 'invalid_grant' })
  })
})

describe('provider specifics', () => {
  it('GitHub: the primary address of /user/emails, with its own verified flag', async () => {
    const emails = (primaryVerified: boolean) => [
      { email: `other${serial}@example.com`, primary: false, verified: true },
      { email: `primary${serial}@example.com`, primary: true, verified: primaryVerified },
    ]
    const verified = account({ emails: emails(true) })
    expect((await login('github', verified)).statusCode).toBe(200)
    expect(await t.store.users.getByEmail(verified.emails![1]!.email)).not.toBeNull()
    const unverified = account({ emails: emails(false) })
    expect((await login('github', unverified)).json()).toEqual({ detail: 'OAUTH_NOT_AVAILABLE_EMAIL' })
  })

  it('Microsoft: the account is the `oid`, and an ID token for another client is refused', async () => {
    const who = account()
    expect((await login('microsoft', who)).statusCode).toBe(200)
    const [linked] = await t.store.users.listOAuthAccounts((await t.store.users.getByEmail(who.email!))!)
    expect(linked?.account_id).toBe(who.id)
    const stranger = account({ audience: 'another-client' })
    const refused = await login('microsoft', stranger)
    expect({ status: refused.statusCode, body: refused.json() }).toEqual({ status: 400, body: { detail: 'OAUTH_INVALID_PROVIDER_RESPONSE' } })
    expect(await t.store.users.getByEmail(stranger.email!)).toBeNull()
  })
})

describe('nonce', () => {
  it('is sent whenever an ID token is asked for, and the ID token must carry it', async () => {
    for (const kind of ['google', 'microsoft'] as const) {
      const { authorizationUrl } = await authorize(kind)
      expect(new URL(authorizationUrl).searchParams.get('nonce'), kind).toMatch(/^[\w-]{43}$/)
      for (const nonce of [null, 'another-flow-nonce']) {
        const who = account({ nonce })
        const response = await login(kind, who)
        expect({ kind, nonce, status: response.statusCode, body: response.json() }).toMatchObject({ status: 400, body: { detail: 'OAUTH_INVALID_PROVIDER_RESPONSE' } })
        expect(await t.store.users.getByEmail(who.email!)).toBeNull()
      }
      const missing = await login(kind, account({ tokenWithout: 'id_token' }))
      expect({ kind, status: missing.statusCode, body: missing.json() }).toMatchObject({ status: 400, body: { detail: 'OAUTH_INVALID_PROVIDER_RESPONSE' } })
    }
    const { authorizationUrl } = await authorize('github')
    expect(new URL(authorizationUrl).searchParams.has('nonce')).toBe(false)
  })
})

describe('provider failures', () => {
  it('answers 502 OAUTH_PROVIDER_UNAVAILABLE to a 5xx, and 400 to an answer that does not hold; never 500', async () => {
    const cases: Array<[ProviderKind, Partial<StandInAccount>, number, string]> = [
      ['google', { tokenStatus: 503 }, 502, 'OAUTH_PROVIDER_UNAVAILABLE'],
      ['github', { tokenStatus: 500 }, 502, 'OAUTH_PROVIDER_UNAVAILABLE'],
      ['discord', { userStatus: 502 }, 502, 'OAUTH_PROVIDER_UNAVAILABLE'],
      ['google', { userStatus: 500 }, 502, 'OAUTH_PROVIDER_UNAVAILABLE'],
      ['github', { tokenWithout: 'access_token' }, 400, 'OAUTH_INVALID_PROVIDER_RESPONSE'],
      ['discord', { tokenWithout: 'access_token' }, 400, 'OAUTH_INVALID_PROVIDER_RESPONSE'],
      ['discord', { userStatus: 401 }, 400, 'OAUTH_INVALID_PROVIDER_RESPONSE'],
      ['google', { tokenStatus: 404 }, 400, 'OAUTH_INVALID_PROVIDER_RESPONSE'],
    ]
    for (const [kind, misbehaviour, status, detail] of cases) {
      const who = account(misbehaviour)
      const response = await login(kind, who)
      expect({ kind, misbehaviour, status: response.statusCode, body: response.json() }).toEqual({ kind, misbehaviour, status, body: { detail } })
      expect(await t.store.users.getByEmail(who.email!)).toBeNull()
    }
  })

  it('answers 400 OAUTH_PROVIDER_REFUSED when the token endpoint refuses the client', async () => {
    const { authorizationUrl } = await authorize('google')
    const callback = new URL(standIns.issueCode('google', authorizationUrl, account()))
    const wrongSecret = new GoogleOAuthClient({ clientId: standIns.clientId, clientSecret: 'not-the-secret' })
    const error = await wrongSecret.exchangeCode({
      code: callback.searchParams.get('code')!, state: '', codeVerifier: '', redirectUri: '', callbackParams: callback.searchParams, nonce: '', scopes: null,
    }).catch((caught: unknown) => caught)
    expect(providerFailure(error, 'code exchange')).toBeInstanceOf(OAuthProviderRefusedError)
    expect(providerFailure(error, 'code exchange').detail).toBe('OAUTH_PROVIDER_REFUSED')
  })
})
