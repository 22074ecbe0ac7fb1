/**
 * Login storm: shows that password hashing runs off the event loop.
 *
 * Runs the same window twice, once idle and once with CONCURRENCY hashes kept in flight, and
 * compares the event loop's p99 delay (perf_hooks.monitorEventLoopDelay) and how many 1 ms
 * timer ticks got through. With hashing on the libuv pool the two runs look alike; hashing on
 * the event-loop thread would starve the ticks and push p99 to a hash's duration. What delay
 * remains comes from CPU sharing: with more pool threads than cores, the OS time-slices the
 * event-loop thread with the hashing threads (UV_THREADPOOL_SIZE below the core count avoids it).
 *
 *   npx tsx bench/login-storm.ts            (UV_THREADPOOL_SIZE=8 npx tsx … to widen the pool)
 */
import { availableParallelism } from 'node:os'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { PasswordHelper } from '../src/password.ts'

const WINDOW_MS = 3000
const CONCURRENCY = 64

interface Run {
  hashes: number
  ticks: number
  p99Ms: number
}

async function measure(storm: boolean): Promise<Run> {
  const passwords = new PasswordHelper()
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  let ticks = 0
  let hashes = 0
  let running = true
  const timer = setInterval(() => ticks++, 1)
  histogram.enable()

  const worker = async (): Promise<void> => {
    while (running) {
      await passwords.hash(`password-${hashes}`)
      hashes++
    }
  }
  const workers = storm ? Array.from({ length: CONCURRENCY }, worker) : []
  await sleep(WINDOW_MS)
  running = false
  histogram.disable()
  clearInterval(timer)
  await Promise.all(workers)
  return { hashes, ticks, p99Ms: histogram.percentile(99) / 1e6 }
}

// One hash's duration: how long each would block the event loop if it ran on this thread.
const passwords = new PasswordHelper()
const started = performance.now()
for (let i = 0; i < 5; i++) await passwords.hash('warm-up')
const hashMs = (performance.now() - started) / 5

const idle = await measure(false)
const storm = await measure(true)
const seconds = WINDOW_MS / 1000

console.log(
  `${availableParallelism()} CPUs, UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}, ` +
    `${CONCURRENCY} hashes in flight, one hash ${hashMs.toFixed(1)} ms`,
)
console.log(`idle : ${(idle.ticks / seconds).toFixed(0)} ticks/s, event-loop p99 ${idle.p99Ms.toFixed(2)} ms`)
console.log(
  `storm: ${(storm.ticks / seconds).toFixed(0)} ticks/s, event-loop p99 ${storm.p99Ms.toFixed(2)} ms, ` +
    `${(storm.hashes / seconds).toFixed(1)} hashes/s`,
)
console.log(
  `ratios: ticks storm/idle ${(storm.ticks / idle.ticks).toFixed(2)}, p99 storm/idle ${(storm.p99Ms / idle.p99Ms).toFixed(2)}, ` +
    `storm p99 / one hash ${(storm.p99Ms / hashMs).toFixed(2)}`,
)
