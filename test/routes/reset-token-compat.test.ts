/**
 * The rollback option `resetTokenFingerprint: 'fastapi-users'`: reset tokens carry a password
 * hash of the stored hash, in the PHC argon2id form FastAPI Users' pwdlib writes (the form of
 * the fixture database's hashes), so that FastAPI Users can check a link fastify-users mailed.
 * The default HMAC fingerprint is what pwdlib cannot identify.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { verify as argon2Verify } from '@node-rs/argon2'
import Database from 'better-sqlite3'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../support/app.ts'

/** pwdlib's argon2id hashes: PHC string, version 19, unpadded base64 salt (16 bytes) and hash (32 bytes). */
const PWDLIB_ARGON2ID = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/
const FIXTURE = fileURLToPath(new URL('../../../shared/fixtures/fastapi-users-mixed.db', import.meta.url))

describe('reset tokens FastAPI Users can read', () => {
  let compatible: TestApp
  let plain: TestApp
  beforeAll(async () => {
    compatible = await buildTestApp({ manager: { resetTokenFingerprint: 'fastapi-users' } })
    plain = await buildTestApp()
  })
  afterAll(async () => {
    await compatible.close()
    await plain.close()
  })

  async function requestReset(t: TestApp, email: string): Promise<string> {
    const before = t.callsOf('onAfterForgotPassword').length
    await t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email } })
    return (await t.waitForHook('onAfterForgotPassword', before)).args[1] as string
  }

  it.skipIf(!existsSync(FIXTURE))('the fixture database\'s argon2id hashes have the form the test expects', () => {
    const db = new Database(FIXTURE, { readonly: true })
    const hashes = db.prepare("SELECT hashed_password FROM user WHERE hashed_password LIKE '$argon2id$%'").all() as { hashed_password: string }[]
    db.close()
    expect(hashes.length).toBeGreaterThan(0)
    for (const { hashed_password: hash } of hashes) expect(hash).toMatch(PWDLIB_ARGON2ID)
  })

  it('puts a pwdlib-form argon2id hash of the stored hash in the token, and the token works once', async () => {
    const { user } = await compatible.createUser()
    const token = await requestReset(compatible, user.email)
    const fingerprint = String(decodeJwt(token).password_fgpt)
    expect(fingerprint).toMatch(PWDLIB_ARGON2ID)
    // What FastAPI Users does with it: verify(password=user.hashed_password, hash=password_fgpt).
    expect(await argon2Verify(fingerprint, user.hashed_password)).toBe(true)
    const reset = () => compatible.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token, password: 'a-brand-new-password' } })
    expect((await reset()).statusCode).toBe(200)
    expect((await reset()).json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
  })

  it('by default the fingerprint is the HMAC, which pwdlib cannot identify', async () => {
    const { user } = await plain.createUser()
    const fingerprint = String(decodeJwt(await requestReset(plain, user.email)).password_fgpt)
    expect(fingerprint).toMatch(/^hmac-sha256:/)
  })
})
