/** checkHealth: each probe answers, fails or is late, and the report names the store only. */
import { describe, expect, it } from 'vitest'
import { checkHealth } from '../src/health.ts'

describe('checkHealth', () => {
  it('is ok when every probe answers', async () => {
    expect(await checkHealth({ database: async () => 1, redis: async () => 'PONG' })).toEqual({
      ok: true,
      checks: { database: 'ok', redis: 'ok' },
    })
  })

  it('names the store that failed or did not answer in time, and reports why to the log only', async () => {
    const logged: string[] = []
    const report = await checkHealth(
      {
        database: async () => 1,
        redis: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:6379')),
        search: () => new Promise(() => {}),
      },
      { timeoutMs: 50, onError: (name) => logged.push(name) },
    )
    expect(report).toEqual({ ok: false, checks: { database: 'ok', redis: 'unavailable', search: 'unavailable' } })
    expect(JSON.stringify(report)).not.toContain('10.0.0.7')
    expect(logged.sort()).toEqual(['redis', 'search'])
  })

  it('counts a probe that throws at once as unavailable', async () => {
    const report = await checkHealth({ database: () => { throw new Error('closed') } })
    expect(report.checks).toEqual({ database: 'unavailable' })
  })
})
