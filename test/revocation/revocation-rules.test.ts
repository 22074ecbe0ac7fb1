/**
 * The small rules the revocation stores and strategies share: what counts as a token revoker,
 * when a token is revoked given its user's state, and how a store failure surfaces.
 */
import { describe, expect, it } from 'vitest'
import { ServiceUnavailableError } from '../../src/errors.ts'
import { isTokenRevoker } from '../../src/revocation/revoker.ts'
import { isRevoked } from '../../src/revocation/store.ts'
import { storeUnavailable } from '../../src/revocation/unavailable.ts'

describe('revocation rules', () => {
  it('recognises a token revoker by its revokeAllTokens method only', () => {
    expect(isTokenRevoker({ revokeAllTokens: async () => {} })).toBe(true)
    for (const value of [null, undefined, 42, 'revokeAllTokens', {}, { revokeAllTokens: true }, () => {}]) {
      expect(isTokenRevoker(value)).toBe(false)
    }
  })

  it('revokes a denied token, and a token of an older generation unless it is the kept one', () => {
    const state = { generation: 2, kept: 'jti:kept', denied: false }
    expect(isRevoked(state, 2, 'jti:a')).toBe(false)
    expect(isRevoked(state, 3, 'jti:a')).toBe(false)
    expect(isRevoked(state, 1, 'jti:a')).toBe(true)
    expect(isRevoked(state, 1, 'jti:kept')).toBe(false)
    expect(isRevoked({ ...state, denied: true }, 2, 'jti:kept')).toBe(true)
    expect(isRevoked({ generation: 0, kept: null, denied: false }, 0, 'jti:a')).toBe(false)
  })

  it('turns a store failure into a 503 carrying the cause, and lets the library\'s own errors through', async () => {
    expect(await storeUnavailable(Promise.resolve(7))).toBe(7)
    const cause = new Error('ECONNREFUSED 10.0.0.1:6379')
    const error = await storeUnavailable(Promise.reject(cause)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServiceUnavailableError)
    expect((error as ServiceUnavailableError).cause).toBe(cause)
    expect((error as ServiceUnavailableError).statusCode).toBe(503)
    const own = new ServiceUnavailableError()
    expect(await storeUnavailable(Promise.reject(own)).catch((e: unknown) => e)).toBe(own)
  })
})
