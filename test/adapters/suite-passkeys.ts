/** The passkey store contract (src/passkeys/store.ts), run on every adapter's store. */
import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import type { PasskeyRecord, PasskeyStore } from '../../src/passkeys/store.ts'

let serial = 0

function passkey(userId: string, fields: Partial<PasskeyRecord> = {}): PasskeyRecord {
  serial += 1
  return {
    id: randomUUID(),
    userId,
    // A credential id as long as WebAuthn allows (1023 bytes), so that every index takes it.
    credentialId: `${'c'.repeat(1350)}-${process.pid}-${serial}`.slice(-1364),
    publicKey: new Uint8Array([0xa5, 0x01, 0x02, 0x00, 0xff, ...Array.from({ length: 72 }, (_, i) => i)]),
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'multiDevice',
    backedUp: true,
    name: 'Läptop ✓',
    createdAt: 1_700_000_000 + serial,
    lastUsedAt: null,
    ...fields,
  }
}

export function passkeyStoreTests(store: () => PasskeyStore): void {
  it('passkeys: a record reads back as written, by credential id and in its user\'s list, oldest first', async () => {
    const s = store()
    const user = randomUUID()
    const first = passkey(user)
    const second = passkey(user, { transports: [], deviceType: 'singleDevice', backedUp: false, counter: 7, lastUsedAt: 1_700_000_500 })
    expect(await s.create(second)).toBe(true)
    expect(await s.create(first)).toBe(true)
    expect(await s.create(passkey(randomUUID()))).toBe(true)
    expect(await s.findByCredentialId(first.credentialId)).toEqual(first)
    expect(await s.findByCredentialId(`${first.credentialId}x`)).toBeNull()
    expect(await s.list(user)).toEqual([first, second])
  })

  it('passkeys: a credential id registers once, even for another user, and of concurrent registrations one wins', async () => {
    const s = store()
    const record = passkey(randomUUID())
    expect(await s.create(record)).toBe(true)
    expect(await s.create({ ...record, id: randomUUID(), userId: randomUUID() })).toBe(false)
    const contested = passkey(randomUUID())
    const results = await Promise.all(Array.from({ length: 4 }, () => s.create({ ...contested, id: randomUUID() })))
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('passkeys: a use moves the counter only from the value read, once among concurrent uses', async () => {
    const s = store()
    const record = passkey(randomUUID(), { counter: 5 })
    await s.create(record)
    expect(await s.recordUse(record.credentialId, 4, 9, 1_800_000_000)).toBe(false)
    expect(await s.recordUse(record.credentialId, 5, 6, 1_800_000_000)).toBe(true)
    expect(await s.findByCredentialId(record.credentialId)).toMatchObject({ counter: 6, lastUsedAt: 1_800_000_000 })
    const results = await Promise.all([7, 8, 9].map((next) => s.recordUse(record.credentialId, 6, next, 1_800_000_001)))
    expect(results.filter(Boolean)).toHaveLength(1)
    // Authenticators without a counter stay at 0, and every use still records.
    const counterless = passkey(randomUUID())
    await s.create(counterless)
    expect(await s.recordUse(counterless.credentialId, 0, 0, 1_800_000_002)).toBe(true)
    expect(await s.recordUse(counterless.credentialId, 0, 0, 1_800_000_003)).toBe(true)
  })

  it('passkeys: rename and delete reach only the user\'s own passkey; deleteAll clears a user', async () => {
    const s = store()
    const owner = randomUUID()
    const record = passkey(owner)
    await s.create(record)
    await s.create(passkey(owner))
    const other = passkey(randomUUID())
    await s.create(other)
    expect(await s.rename(randomUUID(), record.id, 'stolen')).toBe(false)
    expect(await s.rename(owner, record.id, 'Phone')).toBe(true)
    expect(await s.rename(owner, record.id, 'Phone')).toBe(true)
    expect((await s.findByCredentialId(record.credentialId))?.name).toBe('Phone')
    expect(await s.delete(randomUUID(), record.id)).toBe(false)
    expect(await s.delete(owner, record.id)).toBe(true)
    expect(await s.delete(owner, record.id)).toBe(false)
    expect(await s.list(owner)).toHaveLength(1)
    await s.deleteAll(owner)
    expect(await s.list(owner)).toEqual([])
    expect(await s.findByCredentialId(other.credentialId)).toEqual(other)
  })

  it('passkeys: a challenge is consumed once, concurrently too', async () => {
    const s = store()
    expect(await s.consumeChallenge('challenge-a', 2_000, 1_000)).toBe(true)
    expect(await s.consumeChallenge('challenge-a', 2_000, 1_000)).toBe(false)
    expect(await s.consumeChallenge('challenge-b', 2_000, 1_000)).toBe(true)
    const results = await Promise.all(Array.from({ length: 5 }, () => s.consumeChallenge('challenge-c', 2_000, 1_000)))
    expect(results.filter(Boolean)).toHaveLength(1)
  })
}
