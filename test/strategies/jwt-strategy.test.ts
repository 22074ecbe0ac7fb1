/**
 * JwtStrategy's options and readings (src/authentication/strategies/jwt.ts): the audiences it
 * writes and accepts, an asymmetric algorithm, tokens with and without `exp`, the `sub` it
 * takes for a user id, token keys, and how long a logout by key is kept. Revocation itself is
 * test/strategies/jwt-revocation.test.ts, the verified-token cache jwt-verified-tokens.test.ts.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { JwtStrategy } from '../../src/authentication/strategies/jwt.ts'
import type { UserLookup } from '../../src/authentication/strategy.ts'
import { signJwt } from '../../src/jwt/sign.ts'
import { MemoryRevocationStore } from '../../src/revocation/memory-store.ts'
import { AUTH_AUDIENCE } from '../../src/tokens.ts'
import type { UserRecord } from '../../src/user.ts'
import { SECRET } from '../support/app.ts'

function userRecord(): UserRecord {
  return { id: randomUUID(), email: 'a@b.io', hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false }
}

function lookupOf(...users: UserRecord[]): UserLookup {
  const byId = new Map(users.map((user) => [user.id, user]))
  return { get: async (id) => byId.get(id) ?? null }
}

/** A memory store that also writes down each denial, with the expiry it was given. */
class RecordingRevocationStore extends MemoryRevocationStore {
  readonly denied: [string, number | null][] = []

  override async deny(tokenKey: string, expiresAt: number | null): Promise<void> {
    this.denied.push([tokenKey, expiresAt])
    return super.deny(tokenKey, expiresAt)
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

describe('JwtStrategy', () => {
  it("writes FastAPI Users' audience by default, and accepts only it", async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 })
    expect(strategy.tokenAudience).toEqual([AUTH_AUDIENCE])
    const user = userRecord()
    const token = await strategy.writeToken(user)
    expect(decodeJwt(token).aud).toEqual(['fastapi-users:auth'])
    expect(await strategy.readToken(token, lookupOf(user))).toBe(user)
    const other = await signJwt({ sub: user.id }, strategy.keys, { audience: ['fastapi-users:other'], lifetimeSeconds: 60 })
    expect(await strategy.readToken(other, lookupOf(user))).toBeNull()
  })

  it('writes and accepts the audiences it is given', async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60, tokenAudience: ['app:a', 'app:b'] })
    const user = userRecord()
    const token = await strategy.writeToken(user)
    expect(decodeJwt(token).aud).toEqual(['app:a', 'app:b'])
    expect(await strategy.readToken(token, lookupOf(user))).toBe(user)
    const fastapi = await new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 }).writeToken(user)
    expect(await strategy.readToken(fastapi, lookupOf(user))).toBeNull()
  })

  it('signs with the algorithm and keys it is given, and verifies with the public key alone', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const signer = new JwtStrategy({ secret: pair.privateKey, algorithm: 'ES256', lifetimeSeconds: 60 })
    const verifier = new JwtStrategy({ secret: pair.privateKey, publicKey: pair.publicKey, algorithm: 'ES256', lifetimeSeconds: 60 })
    expect(signer.keys.algorithm).toBe('ES256')
    expect(verifier.keys.verificationKey).toBe(pair.publicKey)
    const user = userRecord()
    const token = await signer.writeToken(user)
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg).toBe('ES256')
    expect(await verifier.readToken(token, lookupOf(user))).toBe(user)
    const hmac = await new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 }).writeToken(user)
    expect(await verifier.readToken(hmac, lookupOf(user))).toBeNull()
  })

  it('with a lifetime, writes exp that far ahead and refuses a token without exp', async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 120 })
    expect(strategy.lifetimeSeconds).toBe(120)
    const user = userRecord()
    const before = nowSeconds()
    const exp = decodeJwt(await strategy.writeToken(user)).exp!
    expect(exp).toBeGreaterThanOrEqual(before + 120)
    expect(exp).toBeLessThanOrEqual(nowSeconds() + 120)
    const forever = await signJwt({ sub: user.id }, strategy.keys, { audience: [AUTH_AUDIENCE], lifetimeSeconds: null })
    expect(await strategy.readToken(forever, lookupOf(user))).toBeNull()
    expect(strategy.tokenKey(forever)).toBeNull()
  })

  it('without a lifetime, writes no exp and accepts tokens without one, again and again', async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: null })
    const user = userRecord()
    const token = await strategy.writeToken(user)
    expect(decodeJwt(token).exp).toBeUndefined()
    expect(await strategy.readToken(token, lookupOf(user))).toBe(user)
    expect(await strategy.readToken(token, lookupOf(user))).toBe(user)
  })

  it('takes a UUID sub for a user id, in any spelling parseId accepts, and refuses any other sub', async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 })
    const user = userRecord()
    const sign = (sub: unknown) => signJwt({ sub } as { sub: string }, strategy.keys, { audience: [AUTH_AUDIENCE], lifetimeSeconds: 60 })
    expect(await strategy.readToken(await sign(user.id.toUpperCase()), lookupOf(user))).toBe(user)
    for (const sub of ['not-a-uuid', '', 42, undefined]) {
      expect(await strategy.readToken(await sign(sub), lookupOf(user)), String(sub)).toBeNull()
    }
  })

  it('refuses the token of a user the lookup does not find', async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 })
    const token = await strategy.writeToken(userRecord())
    expect(await strategy.readToken(token, lookupOf())).toBeNull()
  })

  it("names a valid token by its jti, and an invalid one by nothing", async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 })
    const token = await strategy.writeToken(userRecord())
    expect(strategy.tokenKey(token)).toBe(`jti:${decodeJwt(token).jti}`)
    expect(strategy.tokenKey(`${token}x`)).toBeNull()
    expect(strategy.tokenKey('garbage')).toBeNull()
  })

  it('denies a logged-out token until its own exp', async () => {
    const revocation = new RecordingRevocationStore()
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation })
    const token = await strategy.writeToken(userRecord())
    await strategy.destroyToken(token)
    expect(revocation.denied).toEqual([[strategy.tokenKey(token), decodeJwt(token).exp]])
    await strategy.destroyToken('garbage')
    expect(revocation.denied).toHaveLength(1)
  })

  it('denies a token without exp for ever', async () => {
    const revocation = new RecordingRevocationStore()
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: null, revocation })
    const user = userRecord()
    const token = await strategy.writeToken(user)
    await strategy.destroyToken(token)
    expect(revocation.denied).toEqual([[strategy.tokenKey(token), null]])
    expect(await strategy.readToken(token, lookupOf(user))).toBeNull()
  })

  it('denies a key until every token issued by now has expired, or for ever without a lifetime', async () => {
    const revocation = new RecordingRevocationStore()
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 300, revocation })
    const user = userRecord()
    const token = await strategy.writeToken(user)
    const before = nowSeconds()
    await strategy.revokeTokenKey(strategy.tokenKey(token)!)
    const [[key, expiresAt]] = revocation.denied as [[string, number]]
    expect(key).toBe(strategy.tokenKey(token))
    expect(expiresAt).toBeGreaterThanOrEqual(before + 300)
    expect(expiresAt).toBeLessThanOrEqual(nowSeconds() + 300)
    expect(Number.isInteger(expiresAt)).toBe(true)
    expect(await strategy.readToken(token, lookupOf(user))).toBeNull()

    const forever = new JwtStrategy({ secret: SECRET, lifetimeSeconds: null, revocation })
    await forever.revokeTokenKey('jti:abc')
    expect(revocation.denied[1]).toEqual(['jti:abc', null])
  })

  it('ends every token at log-out-everywhere with an invalid token to keep, or none', async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation: new MemoryRevocationStore() })
    const user = userRecord()
    const first = await strategy.writeToken(user)
    await strategy.revokeAllTokens(user.id, { except: 'garbage' })
    expect(await strategy.readToken(first, lookupOf(user))).toBeNull()
    const second = await strategy.writeToken(user)
    await strategy.revokeAllTokens(user.id)
    expect(await strategy.readToken(second, lookupOf(user))).toBeNull()
  })

  it('never brings back a token an earlier log-out-everywhere ended by naming it as the one to keep', async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation: new MemoryRevocationStore() })
    const user = userRecord()
    const ended = await strategy.writeToken(user)
    await strategy.revokeAllTokens(user.id)
    await strategy.revokeAllTokens(user.id, { except: ended })
    expect(await strategy.readToken(ended, lookupOf(user))).toBeNull()
    expect((await strategy.revocation.check(user.id, strategy.tokenKey(ended)!)).kept).toBeNull()
  })

  it("keeps no other user's token through a log-out-everywhere", async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60, revocation: new MemoryRevocationStore() })
    const user = userRecord()
    const stranger = userRecord()
    const theirs = await strategy.writeToken(stranger)
    await strategy.revokeAllTokens(user.id, { except: theirs })
    expect((await strategy.revocation.check(user.id, strategy.tokenKey(theirs)!)).kept).toBeNull()
    expect(await strategy.readToken(theirs, lookupOf(stranger))).toBe(stranger)
  })

  it('keeps its logouts in this process by default, shared by every strategy of the process', async () => {
    const first = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 })
    const second = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 })
    expect(first.revocation).toBe(second.revocation)
    const user = userRecord()
    const token = await first.writeToken(user)
    await first.destroyToken(token)
    expect(await second.readToken(token, lookupOf(user))).toBeNull()
  })
})
