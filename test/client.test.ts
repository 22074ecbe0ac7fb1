/**
 * `fastify-users/client` against the running full example (over HTTP, with Node's fetch): every
 * route of the example through the typed client (refresh tokens on, one OAuth provider), the
 * refusals as `UsersClientError`s with FastAPI Users' `detail`, and the application's own user
 * fields through the type parameters.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { buildApp } from '../examples/full/app.ts'
import { readConfig } from '../examples/full/config.ts'
import { createUsersClient, UsersClientError, type UserReadBase, type UserUpdateBase } from '../src/client/index.ts'

const SUPERUSER = { email: 'admin@camelot.bt', password: 'excalibur-in-the-stone-42' }
const PASSWORD = 'guinevere-lancelot-17'

let app: FastifyInstance
let baseUrl: string
let outbox: string

/** The token the example "mailed" to an address for an event; the mail follows the 202 answer. */
async function mailed(event: 'forgot_password' | 'request_verify', email: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const text = existsSync(outbox) ? readFileSync(outbox, 'utf8') : ''
    const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { event: string; email: string; token: string })
    const found = lines.find((line) => line.event === event && line.email === email)
    if (found) return found.token
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`no ${event} mail to ${email}`)
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-users-client-'))
  outbox = join(dir, 'outbox.jsonl')
  process.env.LOG_LEVEL = 'silent'
  const config = readConfig(
    {
      SECRET: 'a-client-test-secret-of-at-least-32-characters',
      DATABASE_URL: `sqlite://${join(dir, 'users.db')}`,
      OUTBOX_FILE: outbox,
      REFRESH_LIFETIME: '3600',
      RATE_LIMIT: 'off',
      COOKIE_SECURE: 'false',
      SUPERUSER_EMAIL: SUPERUSER.email,
      SUPERUSER_PASSWORD: SUPERUSER.password,
      GITHUB_CLIENT_ID: 'client-test',
      GITHUB_CLIENT_SECRET: 'client-test',
      OAUTH_REDIRECT_BASE_URL: 'http://127.0.0.1:8000',
    },
    () => {},
  )
  app = await buildApp(config)
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await app?.close()
  delete process.env.LOG_LEVEL
})

describe('the typed client against the example', () => {
  it('registers, verifies, logs in, reads and updates the user, refreshes and logs out', async () => {
    const sessions: Array<string | null> = []
    const client = createUsersClient({ baseUrl, onSession: (session) => sessions.push(session.accessToken) })
    const email = 'lancelot@camelot.bt'

    const registered = await client.register({ email, password: PASSWORD })
    expect(registered).toMatchObject({ email, is_active: true, is_verified: false, is_superuser: false })
    expect(registered).not.toHaveProperty('hashed_password')

    await client.requestVerifyToken(email)
    expect(await client.verify(await mailed('request_verify', email))).toMatchObject({ id: registered.id, is_verified: true })

    const tokens = await client.login(email, PASSWORD)
    expect(tokens).toMatchObject({ token_type: 'bearer', access_token: expect.any(String), refresh_token: expect.any(String) })
    expect(client.session).toEqual({ accessToken: tokens?.access_token, refreshToken: tokens?.refresh_token })
    expect(await client.me()).toMatchObject({ id: registered.id, email })

    const updated = await client.updateMe({ email: 'sir.lancelot@camelot.bt' })
    expect(updated.email).toBe('sir.lancelot@camelot.bt')

    const rotated = await client.refresh()
    expect(rotated?.access_token).not.toBe(tokens?.access_token)
    expect(rotated?.refresh_token).not.toBe(tokens?.refresh_token)
    expect((await client.me()).id).toBe(registered.id)

    await client.logout()
    expect(client.session).toEqual({ accessToken: null, refreshToken: null })
    const refused = await client.me().catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(UsersClientError)
    expect(refused).toMatchObject({ status: 401, detail: 'Unauthorized' })
    expect(sessions).toEqual([tokens?.access_token, rotated?.access_token, null])
  })

  it('resets a password, and ends every session with logout-all', async () => {
    const client = createUsersClient({ baseUrl })
    const email = 'galahad@camelot.bt'
    await client.register({ email, password: PASSWORD })
    await client.forgotPassword(email)
    await client.resetPassword(await mailed('forgot_password', email), 'a-new-grail-quest-99')
    await expect(client.login(email, PASSWORD)).rejects.toMatchObject({ status: 400, detail: 'LOGIN_BAD_CREDENTIALS' })

    await client.login(email, 'a-new-grail-quest-99')
    const other = createUsersClient({ baseUrl, session: { ...client.session } })
    await client.logoutAll()
    await expect(other.me()).rejects.toMatchObject({ status: 401 })
    await expect(other.refresh()).rejects.toMatchObject({ status: 401 })
  })

  it('manages users as a superuser, and lists and unlinks OAuth accounts', async () => {
    const admin = createUsersClient({ baseUrl })
    await admin.login(SUPERUSER.email, SUPERUSER.password)
    const user = await createUsersClient({ baseUrl }).register({ email: 'bedivere@camelot.bt', password: PASSWORD })

    expect(await admin.getUser(user.id)).toMatchObject({ id: user.id, email: 'bedivere@camelot.bt' })
    expect(await admin.updateUser(user.id, { is_verified: true })).toMatchObject({ is_verified: true })
    expect(await admin.oauthAccounts()).toEqual([])
    await expect(admin.unlinkOAuthAccount('github', 'nobody')).rejects.toBeInstanceOf(UsersClientError)
    await admin.deleteUser(user.id)
    await expect(admin.getUser(user.id)).rejects.toMatchObject({ status: 404, detail: 'Not Found' })
  })

  it('gets an OAuth authorization URL, for login and for linking', async () => {
    const client = createUsersClient({ baseUrl })
    const url = new URL(await client.oauthAuthorize('github', { scopes: ['read:user'] }))
    expect(url.origin).toBe('https://github.com')
    expect(url.searchParams.get('scope')).toContain('read:user')

    await client.login(SUPERUSER.email, SUPERUSER.password)
    expect(new URL(await client.oauthAuthorize('github', { associate: true })).origin).toBe('https://github.com')
    await expect(client.oauthCallback('github', { code: 'x', state: 'not-a-state' })).rejects.toMatchObject({ status: 400 })
  })

  it('answers 422 validation errors as a list', async () => {
    const refused = await createUsersClient({ baseUrl }).register({ email: 'not-an-email', password: PASSWORD }).catch((error: unknown) => error)
    expect(refused).toMatchObject({ status: 422, detail: [expect.objectContaining({ loc: expect.any(Array), msg: expect.any(String) })] })
  })

  it('logs in through the cookie backend', async () => {
    // Node's fetch keeps no cookies: the test carries them, as a browser would.
    let cookie = ''
    const client = createUsersClient({
      baseUrl,
      transport: 'cookie',
      fetch: async (request) => {
        if (cookie !== '') request.headers.set('cookie', cookie)
        const response = await fetch(request)
        const set = response.headers.getSetCookie().map((line) => line.split(';')[0] ?? '').filter((pair) => pair !== '' && !pair.endsWith('='))
        if (set.length > 0) cookie = set.join('; ')
        return response
      },
    })
    expect(await client.login(SUPERUSER.email, SUPERUSER.password)).toBeUndefined()
    expect(client.session).toEqual({ accessToken: null, refreshToken: null })
    expect((await client.me()).email).toBe(SUPERUSER.email)
  })

  it('types the application\'s own user fields', () => {
    interface User extends UserReadBase { first_name: string | null }
    interface Update extends UserUpdateBase { first_name?: string }
    const client = createUsersClient<User, { email: string; password: string; first_name?: string }, Update>({ baseUrl })
    expectTypeOf(client.me).returns.resolves.toEqualTypeOf<User>()
    expectTypeOf(client.updateMe).parameter(0).toEqualTypeOf<Update>()
    expectTypeOf(client.updateUser).parameter(1).toHaveProperty('first_name')
    // @ts-expect-error the read model has no such field
    expectTypeOf<User['last_name']>().toBeString()
  })
})
