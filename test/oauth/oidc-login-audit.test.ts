/**
 * Every refused OAuth login callback is a `login.failed` audit event (docs/audit-log.md): a bad
 * state, a provider's error, a provider account without a (verified) email, an email whose
 * account has no association or is not verified, an inactive user. Each names its reason, the
 * provider and backend, the wire code, the user where one is known, the address and the agent;
 * none carries the code, the state, the CSRF token or a provider token. A refused associate
 * callback is no login and emits nothing.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/audit/events.ts'
import { bearerAuth } from '../support/app.ts'
import { Browser } from '../support/oidc-provider.ts'
import { status, steerProvider, type ProviderSteering } from './misbehaving-provider.ts'
import { ROUTES, startOidcApp, type OidcApp } from './oidc-app.ts'

const AGENT = 'oauth-audit-agent/1.0'
const events: AuditEvent[] = []
const allEvents: AuditEvent[] = []
/** The codes, states and CSRF tokens of the callbacks; none may appear in an event. */
const secrets: string[] = []
let e: OidcApp
let steering: ProviderSteering

beforeAll(async () => {
  e = await startOidcApp({
    manager: {
      onAuditEvent: (event) => {
        events.push(event)
        allEvents.push(event)
      },
    },
  })
  steering = steerProvider(e.op.issuer)
})
afterEach(() => steering.reset())
afterAll(async () => {
  steering.restore()
  await e.close()
})
beforeEach(() => {
  events.length = 0
})

/** Signs `account` in at `route` and calls the callback (optionally edited) with the test's agent. */
async function callback(route: string, account: string, edit: (url: URL) => void = () => {}, browser = new Browser()) {
  const { callbackUrl } = await e.signIn(route, account, browser)
  const url = new URL(callbackUrl)
  secrets.push(url.searchParams.get('code')!, url.searchParams.get('state')!, browser.cookies.get('fastapiusersoauthcsrf')!)
  edit(url)
  const response = await browser.fetch(url.toString(), { headers: { 'user-agent': AGENT } })
  const text = await response.text()
  const body: unknown = text === '' ? null : JSON.parse(text)
  if (response.status === 200) secrets.push((body as { access_token: string }).access_token)
  for (const cookie of response.headers.getSetCookie()) secrets.push(cookie.split(';')[0]!.split('=')[1]!)
  return { status: response.status, body }
}

async function failures(): Promise<AuditEvent[]> {
  await e.test.users.manager.audit.flush()
  return events.filter((event) => event.type === 'login.failed')
}

const refusal = (reason: string, detail: string, userId: string | null, backend = 'jwt') => ({
  type: 'login.failed', user_id: userId, actor_id: null, ip: '127.0.0.1', user_agent: AGENT,
  data: { reason, method: 'oauth', backend, provider: 'oidc', detail },
})

describe('refused OAuth login callbacks are audited', () => {
  it('a bad state: tampered, replayed, without the CSRF cookie, without a code', async () => {
    const { id } = e.account()
    const tampered = await callback(ROUTES.login, id, (url) => url.searchParams.set('state', `${url.searchParams.get('state')}x`))
    expect(tampered).toMatchObject({ status: 400, body: { detail: 'ACCESS_TOKEN_DECODE_ERROR' } })
    const noCookie = new Browser()
    const { callbackUrl } = await e.signIn(ROUTES.login, id, noCookie)
    noCookie.cookies.clear()
    expect((await noCookie.fetch(callbackUrl, { headers: { 'user-agent': AGENT } })).status).toBe(400)
    const noCode = await callback(ROUTES.login, id, (url) => url.searchParams.delete('code'))
    expect(noCode).toMatchObject({ status: 400, body: { detail: 'Bad Request' } })
    expect(await failures()).toMatchObject([
      refusal('oauth_bad_state', 'ACCESS_TOKEN_DECODE_ERROR', null),
      refusal('oauth_bad_state', 'OAUTH_INVALID_STATE', null),
      refusal('oauth_bad_state', 'Bad Request', null),
    ])
    expect(events).toHaveLength(3)
  })

  it("the provider's refusal or failure", async () => {
    const { id } = e.account()
    const denied = await callback(ROUTES.login, id, (url) => {
      url.searchParams.delete('code')
      url.searchParams.set('error', 'access_denied')
    })
    expect(denied).toMatchObject({ status: 400, body: { detail: 'access_denied' } })
    steering.set('token', status(503))
    expect((await callback(ROUTES.login, id)).status).toBe(502)
    expect(await failures()).toMatchObject([
      refusal('oauth_provider_error', 'access_denied', null),
      refusal('oauth_provider_error', 'OAUTH_PROVIDER_UNAVAILABLE', null),
    ])
    expect(events).toHaveLength(2)
  })

  it('no verified email, an account that exists without association, an unverified account (pre-hijacking)', async () => {
    const unverifiedEmail = e.account((email) => ({ email, email_verified: false }))
    expect((await callback(ROUTES.login, unverifiedEmail.id)).body).toEqual({ detail: 'OAUTH_NOT_AVAILABLE_EMAIL' })
    const taken = e.account()
    const { user: owner } = await e.test.createUser({ email: taken.email, is_verified: true })
    expect((await callback(ROUTES.login, taken.id)).body).toEqual({ detail: 'OAUTH_USER_ALREADY_EXISTS' })
    const squatted = e.account()
    const { user: squatter } = await e.test.createUser({ email: squatted.email })
    expect((await callback(ROUTES.byEmail, squatted.id)).body).toEqual({ detail: 'OAUTH_USER_NOT_VERIFIED' })
    expect(await failures()).toMatchObject([
      refusal('oauth_no_email', 'OAUTH_NOT_AVAILABLE_EMAIL', null),
      refusal('oauth_account_exists', 'OAUTH_USER_ALREADY_EXISTS', owner.id),
      refusal('oauth_user_not_verified', 'OAUTH_USER_NOT_VERIFIED', squatter.id),
    ])
    expect(events).toHaveLength(3)
  })

  it('an inactive user, named, on the backend of the route', async () => {
    const { id, email } = e.account()
    expect((await callback(ROUTES.cookie, id)).status).toBe(204)
    const user = (await e.test.store.users.getByEmail(email))!
    await e.test.store.users.update(user, { is_active: false })
    events.length = 0
    expect((await callback(ROUTES.cookie, id)).body).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    expect(await failures()).toEqual([expect.objectContaining(refusal('inactive', 'LOGIN_BAD_CREDENTIALS', user.id, 'cookie'))])
    expect(events).toHaveLength(1)
  })

  it('a refused associate callback is not a failed login', async () => {
    const { user, token } = await e.test.createUser({ is_verified: true })
    const browser = new Browser()
    const started = await browser.fetch(`${e.base}${ROUTES.associate}/authorize`, { headers: bearerAuth(token) })
    expect(started.status).toBe(200)
    const { authorization_url: authorizationUrl } = (await started.json()) as { authorization_url: string }
    const { id } = e.account()
    const url = new URL(await browser.authorize(authorizationUrl, id))
    url.searchParams.set('state', 'not-a-state')
    expect((await browser.fetch(url.toString(), { headers: bearerAuth(token) })).status).toBe(400)
    await e.test.users.manager.audit.flush()
    expect(events.filter((event) => event.user_id === user.id || event.type === 'login.failed')).toEqual([])
  })

  it('no code, state, CSRF token or access token appears in any event', () => {
    const everything = JSON.stringify(allEvents)
    expect(allEvents.length).toBeGreaterThanOrEqual(10)
    expect(secrets.length).toBeGreaterThan(20)
    for (const secret of secrets) expect(everything.includes(secret), `a secret of length ${secret.length} leaked`).toBe(false)
  })
})
