/**
 * The full example as its own process (`node --conditions=source --import tsx`, one process,
 * so its PID is the server's), on a free port, configured by environment.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { freePort } from '../../support/free-port.ts'

const ROOT = new URL('../../../', import.meta.url).pathname
const SERVER = 'examples/full/server.ts'

export interface ExampleServer {
  url: string
  process: ChildProcess
  output: string[]
  /** Whether the process is still running. */
  alive(): boolean
  stop(): Promise<void>
}

export async function startExampleServer(env: Record<string, string>): Promise<ExampleServer> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SERVER], {
    cwd: ROOT,
    env: {
      ...process.env,
      SECRET: randomBytes(36).toString('base64url'),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // Every load client comes from 127.0.0.1; the per-address limits would refuse the load
      // itself. The per-account login throttle stays on.
      RATE_LIMIT: 'off',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  child.stdout!.on('data', (chunk) => output.push(String(chunk)))
  child.stderr!.on('data', (chunk) => output.push(String(chunk)))
  const alive = () => child.exitCode === null && child.signalCode === null
  const server: ExampleServer = {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output,
    alive,
    async stop() {
      if (!alive()) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
  const deadline = Date.now() + 90_000
  for (;;) {
    if (!alive()) throw new Error(`the example exited with ${child.exitCode}:\n${output.join('')}`)
    try {
      const response = await fetch(`${server.url}/health`)
      if (response.ok) return server
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop()
      throw new Error(`the example did not start:\n${output.join('')}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
