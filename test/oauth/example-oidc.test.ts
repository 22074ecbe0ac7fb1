/**
 * The full example's optional OpenID Connect login: its settings, and one login through it
 * against a real OpenID Provider. Without OIDC_ISSUER the example has no OAuth routes.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../examples/full/app.ts'
import { ConfigError, readConfig } from '../../examples/full/config.ts'
import { readOAuthProviders } from '../../examples/full/oauth-providers.ts'
import { readOidcConfig } from '../../examples/full/oidc.ts'
import { Browser, OidcTestProvider } from '../support/oidc-provider.ts'

process.env.LOG_LEVEL = 'warn'
const SECRET = 'example-secret-long-enough-for-production-use-0123'

function exampleConfig(env: Record<string, string>) {
  const databaseUrl = `sqlite://${join(mkdtempSync(join(tmpdir(), 'fastify-users-oidc-')), 'users.db')}`
  return readConfig({ SECRET, DATABASE_URL: databaseUrl, ...env }, () => {})
}

describe('readOidcConfig', () => {
  it('is off without OIDC_ISSUER', () => {
    expect(readOidcConfig({}, false)).toBeNull()
  })

  it('reads the issuer, the client and the options', () => {
    const env = {
      OIDC_ISSUER: 'https://id.example.com/realms/main',
      OIDC_CLIENT_ID: 'app',
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_REDIRECT_BASE_URL: 'https://api.example.com/',
      OIDC_ASSOCIATE_BY_EMAIL: 'true',
    }
    expect(readOidcConfig(env, true)).toEqual({
      issuer: 'https://id.example.com/realms/main',
      clientId: 'app',
      clientSecret: 's3cret',
      redirectBaseUrl: 'https://api.example.com',
      associateByEmail: true,
    })
    expect(readOidcConfig({ OIDC_ISSUER: 'http://localhost:8080', OIDC_CLIENT_ID: 'app' }, false)).toMatchObject({ clientSecret: null, associateByEmail: false })
  })

  it('refuses what cannot work', () => {
    const refused = [
      [{ OIDC_ISSUER: 'https://id.example.com' }, false],
      [{ OIDC_ISSUER: 'not a url', OIDC_CLIENT_ID: 'app' }, false],
      [{ OIDC_ISSUER: 'http://id.example.com', OIDC_CLIENT_ID: 'app' }, true],
      [{ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'app', OIDC_ASSOCIATE_BY_EMAIL: 'maybe' }, false],
    ] as const
    for (const [env, production] of refused) expect(() => readOidcConfig(env, production)).toThrow(ConfigError)
  })
})

describe('readOAuthProviders', () => {
  it('configures every provider whose client id and secret are set, and none by default', () => {
    expect(readOAuthProviders({}, false)).toEqual({ clients: [], redirectBaseUrl: null, associateByEmail: false })
    const env = {
      GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 'gs', GITLAB_CLIENT_ID: 'l', GITLAB_CLIENT_SECRET: 'ls', SLACK_CLIENT_ID: 's', SLACK_CLIENT_SECRET: 'ss',
      OIDC_NAMES: 'corp', OIDC_CORP_ISSUER: 'https://id.example.com', OIDC_CORP_CLIENT_ID: 'c',
      OAUTH_REDIRECT_BASE_URL: 'https://api.example.com/', OAUTH_ASSOCIATE_BY_EMAIL: 'true',
    }
    const config = readOAuthProviders(env, true)
    expect(config.clients.map((client) => client.name)).toEqual(['google', 'gitlab', 'slack', 'corp'])
    expect(config).toMatchObject({ redirectBaseUrl: 'https://api.example.com', associateByEmail: true })
  })

  it('refuses what cannot work', () => {
    const refused = [
      { GOOGLE_CLIENT_ID: 'g' },
      { APPLE_CLIENT_ID: 'com.example.web' },
      { OIDC_NAMES: 'corp' },
      { OIDC_NAMES: 'Bad Name' },
      { OIDC_NAMES: 'corp', OIDC_CORP_ISSUER: 'http://id.example.com', OIDC_CORP_CLIENT_ID: 'c' },
      { FACEBOOK_CLIENT_ID: 'f', FACEBOOK_CLIENT_SECRET: 's', FACEBOOK_TRUST_EMAIL: 'maybe' },
    ]
    for (const env of refused) expect(() => readOAuthProviders(env, true), JSON.stringify(env)).toThrow(ConfigError)
  })
})

describe('the example app', () => {
  let op: OidcTestProvider
  let app: FastifyInstance
  let base: string

  beforeAll(async () => {
    op = await OidcTestProvider.listen()
    app = await buildApp(exampleConfig({
      OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: 'example', OIDC_CLIENT_SECRET: 'example-secret',
      OIDC_NAMES: 'corp,partner',
      OIDC_CORP_ISSUER: op.issuer, OIDC_CORP_CLIENT_ID: 'example', OIDC_CORP_CLIENT_SECRET: 'example-secret',
      OIDC_PARTNER_ISSUER: op.issuer, OIDC_PARTNER_CLIENT_ID: 'example', OIDC_PARTNER_CLIENT_SECRET: 'example-secret',
      GITHUB_CLIENT_ID: 'gh-id', GITHUB_CLIENT_SECRET: 'gh-secret',
    }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    base = `http://127.0.0.1:${address.port}`
    await op.configure({
      clients: [{
        client_id: 'example',
        client_secret: 'example-secret',
        redirect_uris: ['oidc', 'corp', 'partner'].flatMap((name) => [`${base}/auth/${name}/callback`, `${base}/auth/associate/${name}/callback`]),
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
      }],
    })
  })
  afterAll(async () => {
    await app?.close()
    await op?.close()
  })

  it('logs in with OpenID Connect at /auth/oidc, and /users/me keeps the base read model', async () => {
    op.accounts.set('merlin', { email: 'merlin@camelot.bt', email_verified: true })
    const browser = new Browser()
    const authorize = await browser.fetch(`${base}/auth/oidc/authorize`)
    expect(authorize.status).toBe(200)
    const { authorization_url: authorizationUrl } = (await authorize.json()) as { authorization_url: string }
    const callback = await browser.fetch(await browser.authorize(authorizationUrl, 'merlin'))
    expect(callback.status).toBe(200)
    const { access_token: token } = (await callback.json()) as { access_token: string }
    const me = await fetch(`${base}/users/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(await me.json()).toEqual({ id: expect.any(String), email: 'merlin@camelot.bt', is_active: true, is_superuser: false, is_verified: false })
  })

  it('mounts every configured provider side by side, the OpenID provider under several names', async () => {
    op.accounts.set('morgana', { email: 'morgana@camelot.bt', email_verified: true })
    const browser = new Browser()
    let token = ''
    for (const name of ['corp', 'partner']) {
      const authorize = await browser.fetch(`${base}/auth/${name}/authorize`)
      const { authorization_url: authorizationUrl } = (await authorize.json()) as { authorization_url: string }
      const callback = await browser.fetch(await browser.authorize(authorizationUrl, 'morgana'))
      if (name === 'corp') {
        expect(callback.status).toBe(200)
        token = ((await callback.json()) as { access_token: string }).access_token
      } else {
        // Another provider's account with the same email is not linked silently (associateByEmail is off).
        expect(await callback.json()).toEqual({ detail: 'OAUTH_USER_ALREADY_EXISTS' })
      }
    }
    const accounts = await fetch(`${base}/users/me/oauth-accounts`, { headers: { authorization: `Bearer ${token}` } })
    expect(await accounts.json()).toEqual([{ oauth_name: 'corp', account_id: 'morgana', account_email: 'morgana@camelot.bt' }])
    const github = await app.inject({ url: '/auth/github/authorize' })
    expect(new URL((github.json() as { authorization_url: string }).authorization_url).origin).toBe('https://github.com')
    expect((await app.inject({ url: '/auth/google/authorize' })).statusCode).toBe(404)
  })

  it('has no OAuth routes without OIDC_ISSUER', async () => {
    const plain = await buildApp(exampleConfig({}))
    try {
      expect((await plain.inject({ url: '/auth/oidc/authorize' })).statusCode).toBe(404)
      expect((await plain.inject({ url: '/auth/associate/oidc/authorize' })).statusCode).toBe(404)
      expect((await plain.inject({ url: '/users/me/oauth-accounts' })).statusCode).toBe(404)
    } finally {
      await plain.close()
    }
  })
})
