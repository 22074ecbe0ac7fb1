/**
 * The hashing limit: argon2id hashes per second of the binding alone (PasswordHelper, OWASP
 * parameters), with HASH_CONCURRENCY hashes kept in flight on the libuv pool for HASH_SECONDS.
 * Run by the `hashing` scenario as a child, so that its pool size (UV_THREADPOOL_SIZE) and its
 * CPU affinity are its own; prints one JSON line.
 */
import { createHistogram } from 'node:perf_hooks'
import { PasswordHelper } from '../src/password.ts'

const concurrency = Number(process.env['HASH_CONCURRENCY'] ?? 8)
const seconds = Number(process.env['HASH_SECONDS'] ?? 5)
const passwords = new PasswordHelper()
const latency = createHistogram()

for (let i = 0; i < concurrency; i++) await passwords.hash('warm-up')
let hashes = 0
let running = true
const started = performance.now()
const worker = async (): Promise<void> => {
  while (running) {
    const begun = performance.now()
    await passwords.hash(`password-${hashes}`)
    latency.record(Math.max(1, Math.round((performance.now() - begun) * 1e6)))
    hashes++
  }
}
const workers = Array.from({ length: concurrency }, worker)
setTimeout(() => (running = false), seconds * 1000)
await Promise.all(workers)
const elapsed = (performance.now() - started) / 1000
console.log(JSON.stringify({ hashesPerSecond: hashes / elapsed, p50Ms: latency.percentile(50) / 1e6, p99Ms: latency.percentile(99) / 1e6 }))
