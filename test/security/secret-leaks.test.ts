/**
 * Threat: secrets in the server log. The logger is captured at its most verbose level while
 * every route runs, error paths included (bad passwords, bad tokens, a broken database), and
 * the log must hold no password, hash, token or secret.
 */
import { describe, expect, it } from 'vitest'
import { captureLog, SECRET, uniqueEmail } from '../support/app.ts'
import { buildSecureApp, loginRequest } from './app.ts'

describe('the server log', () => {
  it('never holds a password, a hash, a token or a secret', async () => {
    const log = captureLog()
    const tokens: string[] = []
    const mailed: string[] = []
    const t = await buildSecureApp({
      server: { logger: { ...(log.logger as object), level: 'trace' } },
      manager: { onAfterForgotPassword: (_user, token) => { mailed.push(token) }, onAfterRequestVerify: (_user, token) => { mailed.push(token) } },
    })
    const password = 'secret-password-4815162342'
    const newPassword = 'secret-new-password-108'
    const email = uniqueEmail()
    const json = (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: object, token?: string) =>
      t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: token ? { authorization: `Bearer ${token}` } : {} })

    await json('POST', '/auth/register', { email, password })
    await json('POST', '/auth/register', { email, password })
    await json('POST', '/auth/register', { email: uniqueEmail(), password: 'password123' })
    const access = (await t.app.inject(loginRequest(email, password))).json().access_token as string
    tokens.push(access)
    const cookieLogin = await t.app.inject(loginRequest(email, password, { backend: 'cookie' }))
    tokens.push(/fastapiusersauth=([^;]+)/.exec(String(cookieLogin.headers['set-cookie']))![1]!)
    await t.app.inject(loginRequest(email, `${password}-wrong`))
    await t.app.inject({ ...loginRequest(email, password), headers: { 'content-type': 'multipart/form-data' } })
    await json('GET', '/users/me', undefined, access)
    await json('PATCH', '/users/me', { password: 'short' }, access)
    await json('GET', '/users/me', undefined, `${access}x`)
    await json('POST', '/auth/forgot-password', { email })
    await json('POST', '/auth/request-verify-token', { email })
    await expect.poll(() => mailed.length).toBe(2)
    tokens.push(...mailed)
    const [resetToken, verifyToken] = mailed as [string, string]
    await json('POST', '/auth/reset-password', { token: `${resetToken}x`, password: newPassword })
    await json('POST', '/auth/reset-password', { token: resetToken, password: 'short' })
    await json('POST', '/auth/reset-password', { token: resetToken, password: newPassword })
    await json('POST', '/auth/verify', { token: verifyToken })
    await json('POST', '/auth/jwt/logout', undefined, access)
    const stored = await t.store.users.getByEmail(email)
    // A broken database: the 500 path logs the error.
    await t.store.destroy()
    await t.app.inject(loginRequest(email, newPassword))
    await json('POST', '/auth/register', { email: uniqueEmail(), password })
    await t.app.close()

    const text = log.text()
    expect(text).toContain('unhandled error')
    for (const secret of [password, newPassword, SECRET, stored!.hashed_password, ...tokens]) {
      expect(text.includes(secret), `the log holds ${secret.slice(0, 12)}…`).toBe(false)
    }
    expect(text).not.toMatch(/\$argon2id\$/)
  })
})
