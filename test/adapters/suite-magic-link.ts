/** The used-magic-link store contract (src/magic-link/store.ts), run on every adapter's store. */
import { expect, it } from 'vitest'
import type { MagicLinkStore } from '../../src/magic-link/store.ts'

export function magicLinkStoreTests(store: () => MagicLinkStore): void {
  it('magic links: a link id is consumed once', async () => {
    const s = store()
    expect(await s.consume('link-a', 2_000, 1_000)).toBe(true)
    expect(await s.consume('link-a', 2_000, 1_000)).toBe(false)
    expect(await s.consume('link-b', 2_000, 1_000)).toBe(true)
  })

  it('magic links: of concurrent uses of one link, exactly one wins', async () => {
    const s = store()
    const results = await Promise.all(Array.from({ length: 5 }, () => s.consume('link-c', 2_000, 1_000)))
    expect(results.filter(Boolean)).toHaveLength(1)
  })
}
