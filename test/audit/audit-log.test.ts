/**
 * The audit sink itself (src/audit/audit-log.ts): a failing store or hook neither throws nor
 * goes unreported, a full queue reports what it drops, ids sort in emission order, and the
 * retention deletes old events. The memory store runs the adapter suite's contract too.
 */
import { describe, expect, it } from 'vitest'
import { AuditLog, type AuditErrorLog } from '../../src/audit/audit-log.ts'
import type { AuditEvent } from '../../src/audit/events.ts'
import { MemoryAuditStore } from '../../src/audit/memory-store.ts'
import type { AuditStore } from '../../src/audit/store.ts'
import { auditStoreTests } from '../adapters/suite-audit.ts'

const USER = '3f0b6a2e-5c1d-4e8f-9a7b-1c2d3e4f5a6b'

function recordingLog(): AuditErrorLog & { entries: Array<{ object: Record<string, unknown>; message: string }> } {
  const entries: Array<{ object: Record<string, unknown>; message: string }> = []
  return { entries, error: (object, message) => void entries.push({ object, message }) }
}

const verified = { type: 'user.verified', user_id: USER, data: {} } as const

describe('AuditLog', () => {
  auditStoreTests(() => new MemoryAuditStore())

  it('reports a store failure with the events it lost, and keeps going', async () => {
    const log = recordingLog()
    let fail = true
    const kept: AuditEvent[] = []
    const store: AuditStore = {
      append: async (events) => {
        if (fail) throw new Error('database down')
        kept.push(...events)
      },
      listByUser: async () => ({ events: [], next: null }),
      deleteBefore: async () => 0,
    }
    const audit = new AuditLog({ store, secret: 'secret', log })
    expect(() => audit.emit(verified)).not.toThrow()
    await audit.flush()
    expect(log.entries).toHaveLength(1)
    expect(log.entries[0]!.message).toBe('1 audit event(s) could not be stored')
    expect(log.entries[0]!.object.audit_events).toEqual([{ id: expect.any(String), type: 'user.verified', user_id: USER }])
    fail = false
    audit.emit(verified)
    await audit.flush()
    expect(kept).toHaveLength(1)
  })

  it('writes after the current turn, and a full queue reports what it drops', async () => {
    const log = recordingLog()
    const store = new MemoryAuditStore()
    const audit = new AuditLog({ store, secret: 'secret', log, queueLimit: 2 })
    for (let i = 0; i < 3; i++) audit.emit(verified)
    expect((await store.listByUser(USER, { limit: 10, after: null })).events).toHaveLength(0)
    expect(log.entries.map((entry) => entry.message)).toEqual(['audit event dropped: the audit queue is full'])
    await audit.flush()
    expect((await store.listByUser(USER, { limit: 10, after: null })).events).toHaveLength(2)
  })

  it('reports a failing hook, synchronous or not, without throwing', async () => {
    const log = recordingLog()
    const sync = new AuditLog({ secret: 'secret', log, onAuditEvent: () => { throw new Error('hook') } })
    const async = new AuditLog({ secret: 'secret', log, onAuditEvent: async () => { throw new Error('hook') } })
    sync.emit(verified)
    async.emit(verified)
    await new Promise((resolve) => setImmediate(resolve))
    expect(log.entries.map((entry) => entry.message)).toEqual(['the onAuditEvent hook failed', 'the onAuditEvent hook failed'])
  })

  it('gives ids that sort in emission order, within one millisecond too', () => {
    const seen: string[] = []
    const audit = new AuditLog({ secret: 'secret', now: () => 1_700_000_000_000, onAuditEvent: (event) => void seen.push(event.id) })
    for (let i = 0; i < 50; i++) audit.emit(verified)
    expect([...seen].sort()).toEqual(seen)
    expect(new Set(seen).size).toBe(50)
    expect(seen[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('deletes the events older than the retention after a write', async () => {
    const store = new MemoryAuditStore()
    let now = Date.UTC(2026, 0, 1)
    const audit = new AuditLog({ store, secret: 'secret', retentionDays: 30, now: () => now })
    audit.emit(verified)
    await audit.flush()
    now += 31 * 86_400_000
    audit.emit(verified)
    await audit.flush()
    const left = (await store.listByUser(USER, { limit: 10, after: null })).events
    expect(left.map((event) => event.occurred_at.getTime())).toEqual([now])
  })

  it('emits nothing, and builds nothing, without a hook or a store', () => {
    expect(new AuditLog({ secret: 'secret' }).enabled).toBe(false)
  })
})
