/** The audit store contract (src/audit/store.ts), run on every adapter's store and the memory one. */
import { expect, it } from 'vitest'
import type { AuditEvent } from '../../src/audit/events.ts'
import type { AuditStore } from '../../src/audit/store.ts'

const USER = '3f0b6a2e-5c1d-4e8f-9a7b-1c2d3e4f5a6b'
const OTHER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'

function event(index: number, at: number, userId: string | null = USER): AuditEvent {
  return {
    id: `0190a000-0000-7000-8000-${String(index).padStart(12, '0')}`,
    type: 'login.failed',
    user_id: userId,
    actor_id: index % 2 === 0 ? OTHER : null,
    occurred_at: new Date(at),
    ip: '203.0.113.7',
    user_agent: `agent ${index}`,
    data: { reason: 'bad_credentials' },
  }
}

async function allPages(store: AuditStore, userId: string, limit: number): Promise<AuditEvent[][]> {
  const pages: AuditEvent[][] = []
  let after = null
  do {
    const page = await store.listByUser(userId, { limit, after })
    pages.push(page.events)
    after = page.next
  } while (after !== null && pages.length < 50)
  return pages
}

export function auditStoreTests(store: () => AuditStore): void {
  it('audit: events read back whole, newest first, only the user’s', async () => {
    const s = store()
    const base = Date.UTC(2026, 0, 1)
    await s.append([event(1, base), event(2, base + 1000), event(3, base + 500, OTHER), event(4, base + 2000, null)])
    const page = await s.listByUser(USER, { limit: 10, after: null })
    expect(page.events).toEqual([event(2, base + 1000), event(1, base)])
    expect(page.next).toBeNull()
    expect((await s.listByUser(OTHER, { limit: 10, after: null })).events.map((e) => e.id)).toEqual([event(3, 0).id])
  })

  it('audit: keyset pages cover every event once, ties in time ordered by id', async () => {
    const s = store()
    const base = Date.UTC(2026, 0, 2)
    // Seven events, three of them in the same millisecond.
    const events = [0, 1, 2, 2, 2, 3, 4].map((offset, index) => event(index + 10, base + offset))
    await s.append(events)
    const pages = await allPages(s, USER, 2)
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1])
    const expected = [...events].sort((a, b) => b.occurred_at.getTime() - a.occurred_at.getTime() || (a.id < b.id ? 1 : -1))
    expect(pages.flat().map((e) => e.id)).toEqual(expected.map((e) => e.id))
    // A page exactly full at the end says so: no empty page follows.
    expect((await allPages(s, USER, 7)).map((page) => page.length)).toEqual([7])
  })

  it('audit: deleteBefore removes the older events only', async () => {
    const s = store()
    const base = Date.UTC(2026, 0, 3)
    await s.append([event(20, base), event(21, base + 1000), event(22, base + 2000)])
    expect(await s.deleteBefore(new Date(base + 1000))).toBe(1)
    expect((await s.listByUser(USER, { limit: 10, after: null })).events.map((e) => e.id)).toEqual([event(22, 0).id, event(21, 0).id])
  })
}
