/**
 * The callback's defences, against a real OpenID Provider: the state token, the double-submit
 * CSRF cookie, single use and PKCE. Every refusal happens before the code reaches the provider
 * (deliberate difference 4): the provider counts no exchange, and the same code still logs in
 * afterwards with the genuine state and cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importJwtKeys } from '../../src/jwt/keys.ts'
import { signJwt } from '../../src/jwt/sign.ts'
import { oidcNonce, OAuthProviderError, OAuthStateTokens, pkceVerifier } from '../../src/oauth/index.ts'
import { AUTH_AUDIENCE, VERIFY_AUDIENCE } from '../../src/tokens.ts'
import { Browser } from '../support/oidc-provider.ts'
import { ROUTES, STATE_SECRET, startOidcApp, type OidcApp } from './oidc-app.ts'

let e: OidcApp
beforeAll(async () => {
  e = await startOidcApp()
})
afterAll(() => e.close())

interface Flow {
  browser: Browser
  callbackUrl: string
  /** The CSRF cookie as `/authorize` set it (the callback clears it). */
  cookie: string
  csrftoken: string
}

async function signedIn(route: string = ROUTES.login): Promise<Flow> {
  const { id } = e.account()
  const { browser, callbackUrl } = await e.signIn(route, id)
  const csrftoken = browser.cookies.get('fastapiusersoauthcsrf')!
  return { browser, callbackUrl, csrftoken, cookie: `fastapiusersoauthcsrf=${csrftoken}` }
}

function withState(callbackUrl: string, state: string | null): string {
  const url = new URL(callbackUrl)
  if (state === null) url.searchParams.delete('state')
  else url.searchParams.set('state', state)
  return url.toString()
}

async function callback(url: string, cookie: string | null): Promise<{ status: number; body: unknown; setCookies: string[] }> {
  const response = await fetch(url, { headers: cookie === null ? {} : { cookie }, redirect: 'manual' })
  return { status: response.status, body: await response.json(), setCookies: response.headers.getSetCookie() }
}

/** The token with one more claim in its payload and its original signature. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.')
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>
  return [header, Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url'), signature].join('.')
}

/** Runs `refusals` on a fresh flow, checks that none reached the provider, then that the code still works. */
async function refusedBeforeExchange(refusals: (flow: Flow) => Promise<void>): Promise<void> {
  const flow = await signedIn()
  const grants = e.op.tokenGrants
  await refusals(flow)
  expect(e.op.tokenGrants).toBe(grants)
  const genuine = await callback(flow.callbackUrl, flow.cookie)
  expect(genuine.status).toBe(200)
  expect(e.op.tokenGrants).toBe(grants + 1)
}

describe('state token', () => {
  it('refuses a missing, forged, tampered, expired or other-purpose state', async () => {
    await refusedBeforeExchange(async ({ callbackUrl, cookie, csrftoken }) => {
      const sameKeys = importJwtKeys({ secret: STATE_SECRET })
      const cases: Array<[string | null, string]> = [
        [null, 'ACCESS_TOKEN_DECODE_ERROR'],
        ['not-a-jwt', 'ACCESS_TOKEN_DECODE_ERROR'],
        [await new OAuthStateTokens('another-secret-that-is-long-enough-0123456').issue({ csrftoken }), 'ACCESS_TOKEN_DECODE_ERROR'],
        [tamper(new URL(callbackUrl).searchParams.get('state')!), 'ACCESS_TOKEN_DECODE_ERROR'],
        [await new OAuthStateTokens(STATE_SECRET, { lifetimeSeconds: -60 }).issue({ csrftoken }), 'ACCESS_TOKEN_ALREADY_EXPIRED'],
        [await signJwt({ csrftoken }, sameKeys, { audience: VERIFY_AUDIENCE, lifetimeSeconds: 3600 }), 'ACCESS_TOKEN_DECODE_ERROR'],
        [await signJwt({ csrftoken }, sameKeys, { audience: [AUTH_AUDIENCE], lifetimeSeconds: 3600 }), 'ACCESS_TOKEN_DECODE_ERROR'],
        [await signJwt({ csrftoken }, sameKeys, { audience: 'fastapi-users:oauth-state', lifetimeSeconds: null }), 'ACCESS_TOKEN_DECODE_ERROR'],
      ]
      for (const [state, detail] of cases) {
        const answer = await callback(withState(callbackUrl, state), cookie)
        expect({ state, ...answer }).toMatchObject({ status: 400, body: { detail } })
      }
    })
  })
})

describe('CSRF cookie', () => {
  it('refuses a callback without the cookie, or with another one, and clears it', async () => {
    await refusedBeforeExchange(async ({ callbackUrl }) => {
      for (const cookie of [null, 'fastapiusersoauthcsrf=', `fastapiusersoauthcsrf=${'x'.repeat(43)}`, 'other=1']) {
        const answer = await callback(callbackUrl, cookie)
        expect({ cookie, ...answer }).toMatchObject({ status: 400, body: { detail: 'OAUTH_INVALID_STATE' } })
        expect(answer.setCookies[0]).toMatch(/^fastapiusersoauthcsrf=""; .*Max-Age=0/)
      }
    })
  })

  it('refuses the state of a flow started in another browser (login CSRF)', async () => {
    const attacker = await signedIn()
    const victim = new Browser()
    await e.authorize(ROUTES.login, victim)
    const response = await victim.fetch(attacker.callbackUrl)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ detail: 'OAUTH_INVALID_STATE' })
  })
})

describe('single use', () => {
  it('refuses a replayed callback, even with the cookie, before the provider sees the code', async () => {
    const flow = await signedIn()
    expect((await callback(flow.callbackUrl, flow.cookie)).status).toBe(200)
    const grants = e.op.tokenGrants
    const replay = await callback(flow.callbackUrl, flow.cookie)
    expect(replay).toMatchObject({ status: 400, body: { detail: 'OAUTH_INVALID_STATE' } })
    expect(e.op.tokenGrants).toBe(grants)
  })

  it('lets the browser retry nothing: the cleared cookie alone refuses the second use', async () => {
    const flow = await signedIn()
    expect((await flow.browser.fetch(flow.callbackUrl)).status).toBe(200)
    const again = await flow.browser.fetch(flow.callbackUrl)
    expect(again.status).toBe(400)
    expect(await again.json()).toEqual({ detail: 'OAUTH_INVALID_STATE' })
  })
})

describe('provider answers', () => {
  it('passes on an OAuth error of the provider, and refuses a callback without a code', async () => {
    const flow = await signedIn()
    const url = new URL(flow.callbackUrl)
    const state = url.searchParams.get('state')!
    const base = `${url.origin}${url.pathname}`
    const denied = await callback(`${base}?error=access_denied&state=${state}`, flow.cookie)
    expect(denied).toMatchObject({ status: 400, body: { detail: 'access_denied' } })
    const odd = await callback(`${base}?error=${encodeURIComponent('a"b')}&state=${state}`, flow.cookie)
    expect(odd).toMatchObject({ status: 400, body: { detail: 'Bad Request' } })
    const noCode = await callback(`${base}?state=${state}`, flow.cookie)
    expect(noCode).toMatchObject({ status: 400, body: { detail: 'Bad Request' } })
  })

  it('answers invalid_grant for a code the provider does not know', async () => {
    const flow = await signedIn()
    const url = new URL(flow.callbackUrl)
    url.searchParams.set('code', 'made-up-code')
    expect(await callback(url.toString(), flow.cookie)).toMatchObject({ status: 400, body: { detail: 'invalid_grant' } })
  })
})

describe('PKCE', () => {
  it('is required by the provider: without the challenge, the login fails', async () => {
    const { id } = e.account()
    const browser = new Browser()
    const authorizationUrl = new URL(await e.authorize(ROUTES.login, browser))
    authorizationUrl.searchParams.delete('code_challenge')
    authorizationUrl.searchParams.delete('code_challenge_method')
    const callbackUrl = await browser.authorize(authorizationUrl.toString(), id)
    expect(new URL(callbackUrl).searchParams.get('error')).toBe('invalid_request')
    const response = await browser.fetch(callbackUrl)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ detail: 'invalid_request' })
  })

  it('binds the code to the verifier derived from the state: another verifier is refused', async () => {
    const flow = await signedIn()
    const params = new URL(flow.callbackUrl).searchParams
    const exchange = {
      code: params.get('code')!,
      state: params.get('state')!,
      redirectUri: `${e.base}${ROUTES.login}/callback`,
      callbackParams: params,
      nonce: oidcNonce(flow.csrftoken, new OAuthStateTokens(STATE_SECRET).keys),
      scopes: null,
    }
    const wrong = pkceVerifier(flow.csrftoken, new OAuthStateTokens('another-secret-that-is-long-enough-0123456').keys)
    const error = await e.client.exchangeCode({ ...exchange, codeVerifier: wrong }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OAuthProviderError)
    expect((error as OAuthProviderError).code).toBe('invalid_grant')
  })
})
