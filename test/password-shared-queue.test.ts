/**
 * The size of the queue PasswordHelpers without their own `concurrency` share (src/password.ts):
 * as many hashes at once as CPUs, within the libuv pool's size (UV_THREADPOOL_SIZE, default 4, at
 * most 1024), and at least one. The CPU count and the native hash are replaced here, so that each
 * case reads a fresh module with its own environment and counts the hashes in flight.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'

const machine = vi.hoisted(() => ({ cpus: 1, now: 0, max: 0 }))

vi.mock('node:os', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:os')>()),
  availableParallelism: () => machine.cpus,
}))
vi.mock('@node-rs/argon2', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@node-rs/argon2')>()),
  hash: async () => {
    machine.now++
    machine.max = Math.max(machine.max, machine.now)
    await new Promise((resolve) => setTimeout(resolve, 1))
    machine.now--
    return '$argon2id$fake'
  },
}))

const original = process.env['UV_THREADPOOL_SIZE']
afterEach(() => {
  if (original === undefined) delete process.env['UV_THREADPOOL_SIZE']
  else process.env['UV_THREADPOOL_SIZE'] = original
})

/** The most hashes in flight at once when two fresh default helpers hash `burst` passwords. */
async function sharedLimit(cpus: number, pool: string | undefined, burst = 40): Promise<number> {
  machine.cpus = cpus
  machine.now = machine.max = 0
  if (pool === undefined) delete process.env['UV_THREADPOOL_SIZE']
  else process.env['UV_THREADPOOL_SIZE'] = pool
  vi.resetModules()
  const { PasswordHelper } = await import('../src/password.ts')
  const helpers = [new PasswordHelper(), new PasswordHelper()]
  await Promise.all(Array.from({ length: burst }, (_, i) => helpers[i % 2]!.hash(`password-${i}`)))
  expect(machine.now).toBe(0)
  return machine.max
}

describe('the shared hashing queue', () => {
  it('takes as many hashes as CPUs, within the default pool of 4', async () => {
    expect(await sharedLimit(3, undefined)).toBe(3)
    expect(await sharedLimit(64, undefined)).toBe(4)
  })

  it('reads the pool size from UV_THREADPOOL_SIZE when it is a whole number from 1', async () => {
    expect(await sharedLimit(64, '8')).toBe(8)
    expect(await sharedLimit(64, '1')).toBe(1)
    expect(await sharedLimit(3, '8')).toBe(3)
    for (const invalid of ['0', '-2', '2.5', 'many', '']) expect(await sharedLimit(64, invalid), invalid).toBe(4)
  })

  it("caps the pool at libuv's 1024 threads", async () => {
    expect(await sharedLimit(4096, '2000', 1100)).toBe(1024)
  })

  it('runs at least one hash at once', async () => {
    expect(await sharedLimit(0, undefined)).toBe(1)
  })
})
