/**
 * Account pre-hijacking (issue 19, item 1; OWASP): an attacker registers the victim's address,
 * unverified, and keeps a password, a session and maybe a provider link. When the victim later
 * signs in with a provider that vouches for the address, on a router with `associateByEmail`:
 * - by default the sign-in is refused (`OAUTH_USER_NOT_VERIFIED`) and nothing changes; the way
 *   forward is to log in with the account's password and link the provider from there;
 * - with `takeOverUnverifiedUser`, the victim gets the account, and the attacker's password,
 *   token and provider link stop working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, buildTestApp, form, type TestApp } from '../support/app.ts'
import { STATE_SECRET, startOidcSetting, type OidcSetting } from './oidc-app.ts'

const ROUTES = { byEmail: '/auth/oidc-by-email', takeOver: '/auth/oidc-take-over', associate: '/auth/associate/oidc' } as const

let e: OidcSetting<TestApp>
beforeAll(async () => {
  e = await startOidcSetting(Object.values(ROUTES), (client) => buildTestApp({
    extend: async (app, users, { bearer }) => {
      const common = { stateSecret: STATE_SECRET, associateByEmail: true }
      await app.register(users.oauthRoutes(client, bearer, common), { prefix: ROUTES.byEmail })
      await app.register(users.oauthRoutes(client, bearer, { ...common, takeOverUnverifiedUser: true }), { prefix: ROUTES.takeOver })
      await app.register(users.oauthAssociateRoutes(client, { stateSecret: STATE_SECRET }), { prefix: ROUTES.associate })
    },
  }))
})
afterAll(() => e.close())

/** The attacker: a password account with the victim's address, unverified, logged in, with a provider link of its own. */
async function preHijacked(email: string) {
  const { user, password, token } = await e.test.createUser({ email })
  await e.test.store.users.addOAuthAccount(user, {
    oauth_name: 'oidc', access_token: 'x', expires_at: null, refresh_token: null, account_id: `attacker-${user.id}`, account_email: 'attacker@evil.example',
  })
  return { user, password, token }
}

async function passwordLogin(email: string, password: string): Promise<number> {
  const response = await e.test.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: email, password }) })
  return response.statusCode
}

describe('an unverified account with the provider\'s verified email', () => {
  it('is refused by default, with OAUTH_USER_NOT_VERIFIED, and left as it was', async () => {
    const victim = e.account()
    const attacker = await preHijacked(victim.email)
    const { browser, callbackUrl } = await e.signIn(ROUTES.byEmail, victim.id)
    const response = await browser.fetch(callbackUrl)
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: { detail: 'OAUTH_USER_NOT_VERIFIED' } })
    expect(await e.test.store.users.getByOAuthAccount('oidc', victim.id)).toBeNull()
    expect((await e.test.app.inject({ url: '/users/me', headers: bearerAuth(attacker.token) })).statusCode).toBe(200)
  })

  it('the way forward: the owner logs in with the password and links the provider', async () => {
    const owner = e.account()
    const { password } = await e.test.createUser({ email: owner.email })
    const token = (await e.test.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: owner.email, password }) })).json().access_token as string
    const browser = (await e.signIn(ROUTES.byEmail, owner.id)).browser
    const started = await browser.fetch(`${e.base}${ROUTES.associate}/authorize`, { headers: bearerAuth(token) })
    const { authorization_url: authorizationUrl } = (await started.json()) as { authorization_url: string }
    const callbackUrl = await browser.authorize(authorizationUrl, owner.id)
    const linked = await browser.fetch(callbackUrl, { headers: bearerAuth(token) })
    expect(linked.status).toBe(200)
    const signIn = await e.signIn(ROUTES.byEmail, owner.id)
    expect((await signIn.browser.fetch(signIn.callbackUrl)).status).toBe(200)
  })

  it('is taken over cleanly with takeOverUnverifiedUser: verified, and nothing of the attacker works any more', async () => {
    const victim = e.account()
    const attacker = await preHijacked(victim.email)
    const { browser, callbackUrl } = await e.signIn(ROUTES.takeOver, victim.id)
    const response = await browser.fetch(callbackUrl)
    expect(response.status).toBe(200)
    const { access_token: token } = (await response.json()) as { access_token: string }

    const me = await e.test.app.inject({ url: '/users/me', headers: bearerAuth(token) })
    expect(me.json()).toMatchObject({ id: attacker.user.id, email: victim.email, is_verified: true })
    expect((await e.test.app.inject({ url: '/users/me', headers: bearerAuth(attacker.token) })).statusCode).toBe(401)
    expect(await passwordLogin(victim.email, attacker.password)).toBe(400)
    expect(await e.test.store.users.getByOAuthAccount('oidc', `attacker-${attacker.user.id}`)).toBeNull()
    expect((await e.test.store.users.listOAuthAccounts(attacker.user)).map((account) => account.account_id)).toEqual([victim.id])
    const update = e.test.callsOf('onAfterUpdate').at(-1)
    expect(update?.args.slice(0, 2)).toEqual([expect.objectContaining({ id: attacker.user.id }), { is_verified: true, password: true }])
  })

  it('a verified account is linked as before', async () => {
    const owner = e.account()
    const { user } = await e.test.createUser({ email: owner.email, is_verified: true })
    const { browser, callbackUrl } = await e.signIn(ROUTES.byEmail, owner.id)
    expect((await browser.fetch(callbackUrl)).status).toBe(200)
    expect((await e.test.store.users.getByOAuthAccount('oidc', owner.id))?.id).toBe(user.id)
  })
})
