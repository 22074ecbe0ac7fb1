/**
 * The in-memory revocation store on its own, at its edges: the base generation, what a bump
 * keeps, a denial's expiry to the second, which entries the sweep drops and when, and the one
 * process-wide default store with its single warning.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemoryRevocationStore, processRevocationStore } from '../../src/revocation/memory-store.ts'

const T = 1_900_000_000

function at(seconds: number): void {
  vi.setSystemTime(seconds * 1000)
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('memory revocation store', () => {
  it('starts a user at generation 0, keeping nothing and denying nothing', async () => {
    const store = new MemoryRevocationStore()
    expect(await store.generation('u')).toBe(0)
    expect(await store.check('u', 'jti:a')).toEqual({ generation: 0, kept: null, denied: false })
  })

  it('counts each bump up by one per user, and keeps the key of the latest bump only', async () => {
    const store = new MemoryRevocationStore()
    await store.bump('u', 'jti:kept')
    expect(await store.check('u', 'jti:a')).toEqual({ generation: 1, kept: 'jti:kept', denied: false })
    await store.bump('u')
    expect(await store.generation('u')).toBe(2)
    expect(await store.check('u', 'jti:a')).toEqual({ generation: 2, kept: null, denied: false })
    await store.bump('u', null)
    expect(await store.generation('u')).toBe(3)
    expect(await store.generation('v')).toBe(0)
  })

  it('denies a key until the second it expires, and forever without an expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    at(T)
    const store = new MemoryRevocationStore()
    await store.deny('jti:soon', T + 2)
    await store.deny('jti:forever', null)
    expect((await store.check('u', 'jti:soon')).denied).toBe(true)
    expect((await store.check('u', 'jti:other')).denied).toBe(false)
    at(T + 1.999)
    expect((await store.check('u', 'jti:soon')).denied).toBe(true)
    at(T + 2)
    expect((await store.check('u', 'jti:soon')).denied).toBe(false)
    at(T + 10 * 365 * 86_400)
    expect((await store.check('u', 'jti:forever')).denied).toBe(true)
  })

  it('sweeps at every 256th denial the entries expired by then, the one expiring that second included', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    at(T)
    const store = new MemoryRevocationStore()
    await store.deny('jti:edge', T)
    await store.deny('jti:live', T + 1)
    for (let i = 0; i < 253; i++) await store.deny(`jti:filler-${i}`, T + 3600)
    // Turning the clock back shows what the map still holds: a swept entry stays undenied.
    at(T - 60)
    expect((await store.check('u', 'jti:edge')).denied).toBe(true)
    at(T)
    await store.deny('jti:256th', T + 3600)
    at(T - 60)
    expect((await store.check('u', 'jti:edge')).denied).toBe(false)
    expect((await store.check('u', 'jti:live')).denied).toBe(true)
    expect((await store.check('u', 'jti:256th')).denied).toBe(true)

    // The count starts again from zero: the next sweep is 256 denials later, not sooner.
    at(T + 1)
    await store.deny('jti:edge-2', T + 1)
    for (let i = 0; i < 254; i++) await store.deny(`jti:more-${i}`, T + 3600)
    at(T - 60)
    expect((await store.check('u', 'jti:live')).denied).toBe(true)
    expect((await store.check('u', 'jti:edge-2')).denied).toBe(true)
    at(T + 1)
    await store.deny('jti:512th', T + 3600)
    at(T - 60)
    expect((await store.check('u', 'jti:live')).denied).toBe(false)
    expect((await store.check('u', 'jti:edge-2')).denied).toBe(false)
    expect((await store.check('u', 'jti:filler-0')).denied).toBe(true)
  })

  it('gives one default store per process, warning once that its logouts stay in the process', () => {
    const warn = vi.spyOn(process, 'emitWarning')
    const first = processRevocationStore()
    const second = processRevocationStore()
    expect(second).toBe(first)
    expect(first).toBeInstanceOf(MemoryRevocationStore)
    const ours = warn.mock.calls.filter(([, options]) => (options as { code?: string } | undefined)?.code === 'FASTIFY_USERS_MEMORY_REVOCATION')
    expect(ours).toHaveLength(1)
    const message = String(ours[0]![0])
    expect(message).toMatch(/^JWT logouts are kept in this process only: other instances accept a logged-out token/)
    // It says what to do instead: one of the shared stores.
    expect(message).toMatch(/forgets every logout\. Pass a shared store: .*new RedisRevocationStore\(\.\.\.\) or new KyselyRevocationStore\(\.\.\.\) \}\)\.$/)
  })
})
