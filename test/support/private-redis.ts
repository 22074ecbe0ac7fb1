/**
 * A Redis server of a test's own, on a free port, without persistence: the test may flush or
 * stop it, which no test may do to the shared Redis on 6379. Stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'
import { freePort } from './free-port.ts'

export interface PrivateRedis {
  url: string
  /** A client for the test's own commands (FLUSHALL). */
  admin: Redis
  stop(): Promise<void>
}

const START_TIMEOUT_MS = 10_000

/** Starts `redis-server`, or returns `null` when it is not installed. */
export async function startPrivateRedis(): Promise<PrivateRedis | null> {
  const port = await freePort()
  let child: ChildProcess
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve)
      child.once('error', reject)
    })
  } catch {
    console.warn('skipping: redis-server is not installed')
    return null
  }
  const url = `redis://127.0.0.1:${port}`
  const admin = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: (attempt) => (attempt > 100 ? null : 100) })
  // Refused connections until the server listens; the ping loop below waits them out.
  admin.on('error', () => {})
  const started = Date.now()
  for (;;) {
    try {
      await admin.ping()
      break
    } catch (error) {
      if (Date.now() - started > START_TIMEOUT_MS) {
        child.kill('SIGKILL')
        throw error
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return {
    url,
    admin,
    async stop() {
      admin.disconnect()
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
