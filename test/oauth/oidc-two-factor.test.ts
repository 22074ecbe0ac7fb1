/**
 * OAuth logins respect two-factor: a user who turned it on gets the challenge from the
 * callback (JSON, or in the redirect's fragment in redirect mode), not a session.
 */
import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryTwoFactorStore } from '../../src/two-factor/memory-store.ts'
import { totpCode, totpStep } from '../../src/two-factor/totp.ts'
import { bearerAuth } from '../support/app.ts'
import { FRONTEND_URLS, ROUTES, startOidcApp, type OidcApp } from './oidc-app.ts'

let e: OidcApp
const clock = { now: 1_800_000_000_000 }

beforeAll(async () => {
  e = await startOidcApp({
    twoFactor: { store: new MemoryTwoFactorStore(), encryptionKey: 'oauth-two-factor-test-key-of-32-bytes-or-more', issuer: 'Example', now: () => clock.now },
  })
})
afterAll(() => e.close())

/** A provider account whose user signed in once and then turned two-factor on. */
async function twoFactorAccount() {
  const { id } = e.account()
  const first = await e.signIn(ROUTES.login, id)
  const signedIn = await first.browser.fetch(first.callbackUrl)
  expect(signedIn.status).toBe(200)
  const headers = bearerAuth(((await signedIn.json()) as { access_token: string }).access_token)
  const enrol = await e.test.app.inject({ method: 'POST', url: '/auth/2fa/enrol', headers })
  const secret = decodeBase32IgnorePadding(enrol.json().secret)
  const code = () => totpCode(secret, totpStep(clock.now / 1000))
  expect((await e.test.app.inject({ method: 'POST', url: '/auth/2fa/confirm', headers, payload: { code: code() } })).statusCode).toBe(200)
  clock.now += 30_000
  return { id, code }
}

describe('OAuth login with two-factor on', () => {
  it('answers the challenge instead of a token, completed on the backend of the route', async () => {
    const { id, code } = await twoFactorAccount()
    const again = await e.signIn(ROUTES.login, id)
    const response = await again.browser.fetch(again.callbackUrl)
    expect(response.status).toBe(202)
    const body = (await response.json()) as { detail: string; challenge_token: string }
    expect(body.detail).toBe('TWO_FACTOR_REQUIRED')
    const done = await e.test.app.inject({ method: 'POST', url: '/auth/jwt/2fa/verify', payload: { challenge_token: body.challenge_token, code: code() } })
    expect(done.statusCode, done.body).toBe(200)
    expect(done.json().token_type).toBe('bearer')
  })

  it('in redirect mode, hands the challenge to the frontend in the fragment, with no login cookie', async () => {
    const { id, code } = await twoFactorAccount()
    const { browser, callbackUrl } = await e.signIn(ROUTES.frontend, id)
    const response = await browser.fetch(callbackUrl)
    expect(response.status).toBe(302)
    expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith('fastapiusersauth='))).toBe(false)
    const location = new URL(response.headers.get('location')!)
    expect(`${location.origin}${location.pathname}`).toBe(FRONTEND_URLS[0])
    const challenge = new URLSearchParams(location.hash.slice(1)).get('two_factor_challenge')!
    const done = await e.test.app.inject({ method: 'POST', url: '/auth/cookie/2fa/verify', payload: { challenge_token: challenge, code: code() } })
    expect(done.statusCode, done.body).toBe(204)
    expect(String(done.headers['set-cookie'])).toMatch(/^fastapiusersauth=/)
  })
})
