/**
 * `StoredTokens`, the memory of the opaque strategies' token hashes: the same answers as
 * `storedToken`, for both storages and for strings that are no token, within its size.
 */
import { describe, expect, it } from 'vitest'
import { newOpaqueToken, sha256Base64url, StoredTokens, storedToken } from '../src/opaque-token.ts'

describe('StoredTokens', () => {
  it('answers as storedToken, again and again, for both storages', () => {
    const hashed = new StoredTokens('sha256', 10)
    const plain = new StoredTokens('plain', 10)
    const token = newOpaqueToken()
    for (let i = 0; i < 3; i++) {
      expect(hashed.of(token)).toBe(sha256Base64url(token))
      expect(plain.of(token)).toBe(token)
    }
  })

  it('refuses what cannot be a token, as storedToken does, and remembers none of it', () => {
    const stored = new StoredTokens('sha256', 10)
    for (const garbage of ['', 'short', `${newOpaqueToken()}x`, 'a'.repeat(42) + '!']) {
      expect(stored.of(garbage)).toBeNull()
      expect(storedToken(garbage, 'sha256')).toBeNull()
    }
    expect(stored.size).toBe(0)
  })

  it('keeps answering right past its size, the oldest forgotten first', () => {
    const stored = new StoredTokens('sha256', 3)
    const tokens = Array.from({ length: 10 }, () => newOpaqueToken())
    for (const token of tokens) expect(stored.of(token)).toBe(sha256Base64url(token))
    expect(stored.size).toBe(3)
    for (const token of tokens) expect(stored.of(token)).toBe(sha256Base64url(token))
    expect(stored.size).toBe(3)
  })

  it('remembers nothing with a size of 0', () => {
    const stored = new StoredTokens('sha256', 0)
    const token = newOpaqueToken()
    expect(stored.of(token)).toBe(sha256Base64url(token))
    expect(stored.of(token)).toBe(sha256Base64url(token))
    expect(stored.size).toBe(0)
  })
})
