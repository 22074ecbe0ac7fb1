/**
 * The manager's reset-password and verification tokens (src/account-tokens.ts): their claims,
 * audiences and lifetimes, both fingerprint formats, and every token the readers refuse with the
 * operation's own error.
 */
import { describe, expect, it } from 'vitest'
import { AccountTokens } from '../src/account-tokens.ts'
import { ErrorCode, UsersError } from '../src/errors.ts'
import { importJwtKeys } from '../src/jwt/keys.ts'
import { signJwt } from '../src/jwt/sign.ts'
import { PasswordHelper } from '../src/password.ts'
import { passwordFingerprint, RESET_PASSWORD_AUDIENCE, VERIFY_AUDIENCE } from '../src/tokens.ts'
import type { UserRecord } from '../src/user.ts'

const LIGHT = new PasswordHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1 })
const secrets = { resetPasswordTokenSecret: 'r'.repeat(32), verificationTokenSecret: 'v'.repeat(32) }
const resetKeys = importJwtKeys({ secret: secrets.resetPasswordTokenSecret, algorithm: 'HS256' })
const verifyKeys = importJwtKeys({ secret: secrets.verificationTokenSecret, algorithm: 'HS256' })
const user: UserRecord = {
  id: '3f2b6c1e-8a4d-4f6b-9c2d-1e5f7a9b0c3d',
  email: 'lancelot@camelot.bt',
  hashed_password: '$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
  is_active: true,
  is_superuser: false,
  is_verified: false,
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
}

/** Whether `exp` is `lifetime` seconds after the moment the token was minted (between `before` and now). */
function expectLifetime(claims: Record<string, unknown>, before: number, lifetime: number): void {
  expect(claims['exp']).toBeGreaterThanOrEqual(Math.floor(before / 1000) + lifetime)
  expect(claims['exp']).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + lifetime)
}

/** What `read` throws (the very object), or undefined. */
function refusal(read: () => unknown): unknown {
  try {
    read()
  } catch (error) {
    return error
  }
  return undefined
}

const badReset = () => new UsersError(ErrorCode.RESET_PASSWORD_BAD_TOKEN)
const badVerify = () => new UsersError(ErrorCode.VERIFY_USER_BAD_TOKEN)

describe('AccountTokens: reset tokens', () => {
  it("bind the user's hash by an HMAC, for FastAPI Users' audience and an hour by default", async () => {
    const tokens = new AccountTokens(secrets, LIGHT)
    const before = Date.now()
    const token = await tokens.resetToken(user)
    const claims = claimsOf(token)
    expect(claims).toMatchObject({ sub: user.id, aud: RESET_PASSWORD_AUDIENCE, password_fgpt: passwordFingerprint(user.hashed_password, resetKeys) })
    expectLifetime(claims, before, 3600)
    const bad = badReset()
    expect(tokens.readResetToken(token, bad)).toEqual({ sub: user.id, fingerprint: claims['password_fgpt'] })
    expect(await tokens.fingerprintMatches(claims['password_fgpt'] as string, user.hashed_password)).toBe(true)
    expect(await tokens.fingerprintMatches(claims['password_fgpt'] as string, `${user.hashed_password}x`)).toBe(false)
  })

  it("take FastAPI Users' fingerprint, a password hash of the hash, when asked", async () => {
    const tokens = new AccountTokens({ ...secrets, resetTokenFingerprint: 'fastapi-users' }, LIGHT)
    const { password_fgpt: fingerprint } = claimsOf(await tokens.resetToken(user))
    expect(fingerprint).toMatch(/^\$argon2id\$/)
    expect((await LIGHT.verifyAndUpdate(user.hashed_password, fingerprint as string)).verified).toBe(true)
    expect(await tokens.fingerprintMatches(fingerprint as string, user.hashed_password)).toBe(true)
  })

  it('take their own audience and lifetime, and read only that audience', async () => {
    const tokens = new AccountTokens({ ...secrets, resetPasswordTokenAudience: 'camelot:reset', resetPasswordTokenLifetimeSeconds: 60 }, LIGHT)
    const before = Date.now()
    const token = await tokens.resetToken(user)
    const claims = claimsOf(token)
    expect(claims['aud']).toBe('camelot:reset')
    expectLifetime(claims, before, 60)
    expect(tokens.readResetToken(token, badReset()).sub).toBe(user.id)
    const bad = badReset()
    expect(refusal(() => new AccountTokens(secrets, LIGHT).readResetToken(token, bad))).toBe(bad)
  })

  it('are refused, with the given error, without a fingerprint, a subject or an expiry, or under another key', async () => {
    const tokens = new AccountTokens(secrets, LIGHT)
    const fingerprint = passwordFingerprint(user.hashed_password, resetKeys)
    const sign = (claims: Record<string, unknown>, lifetimeSeconds: number | null = 3600, keys = resetKeys) =>
      signJwt(claims, keys, { audience: RESET_PASSWORD_AUDIENCE, lifetimeSeconds })
    const refused = [
      'not-a-token',
      await sign({ sub: user.id }),
      await sign({ sub: user.id, password_fgpt: 42 }),
      await sign({ password_fgpt: fingerprint }),
      await sign({ sub: 42, password_fgpt: fingerprint }),
      await sign({ sub: user.id, password_fgpt: fingerprint }, null),
      await sign({ sub: user.id, password_fgpt: fingerprint }, 3600, verifyKeys),
    ]
    for (const token of refused) {
      const bad = badReset()
      expect(refusal(() => tokens.readResetToken(token, bad)), token).toBe(bad)
    }
    expect(tokens.readResetToken(await sign({ sub: user.id, password_fgpt: fingerprint }), badReset())).toEqual({ sub: user.id, fingerprint })
  })
})

describe('AccountTokens: verification tokens', () => {
  it("carry the user's id and email, for FastAPI Users' audience and an hour by default", async () => {
    const tokens = new AccountTokens(secrets, LIGHT)
    const before = Date.now()
    const token = await tokens.verifyToken(user)
    const claims = claimsOf(token)
    expect(claims).toMatchObject({ sub: user.id, email: user.email, aud: VERIFY_AUDIENCE })
    expectLifetime(claims, before, 3600)
    expect(tokens.readVerifyToken(token, badVerify())).toEqual({ sub: user.id, email: user.email })
    const bad = badVerify()
    expect(refusal(() => tokens.readResetToken(token, bad))).toBe(bad)
  })

  it('take their own audience and lifetime, and read only that audience', async () => {
    const tokens = new AccountTokens({ ...secrets, verificationTokenAudience: 'camelot:verify', verificationTokenLifetimeSeconds: 120 }, LIGHT)
    const before = Date.now()
    const token = await tokens.verifyToken(user)
    const claims = claimsOf(token)
    expect(claims['aud']).toBe('camelot:verify')
    expectLifetime(claims, before, 120)
    expect(tokens.readVerifyToken(token, badVerify()).email).toBe(user.email)
    const bad = badVerify()
    expect(refusal(() => new AccountTokens(secrets, LIGHT).readVerifyToken(token, bad))).toBe(bad)
  })

  it('are refused, with the given error, without an email or a subject', async () => {
    const tokens = new AccountTokens(secrets, LIGHT)
    const sign = (claims: Record<string, unknown>) => signJwt(claims, verifyKeys, { audience: VERIFY_AUDIENCE, lifetimeSeconds: 3600 })
    for (const token of ['', await sign({ sub: user.id }), await sign({ sub: user.id, email: 7 }), await sign({ email: user.email })]) {
      const bad = badVerify()
      expect(refusal(() => tokens.readVerifyToken(token, bad)), token).toBe(bad)
    }
  })
})
