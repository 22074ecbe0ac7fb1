/**
 * A Redis Cluster of a test's own: three masters without replicas on free ports of 127.0.0.1
 * (`redis-server --cluster-enabled yes` ×3, then `redis-cli --cluster create`), their state in a
 * temporary directory, stopped by PID. The shared Redis on 6379 is never touched.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster } from 'ioredis'
import { freePort } from './free-port.ts'

export interface PrivateRedisCluster {
  /** `host:port` of each master. */
  nodes: string[]
  /** A new cluster client (the caller closes it). */
  client(): Cluster
  stop(): Promise<void>
}

const READY_TIMEOUT_MS = 30_000

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}${stdout}`))
      else resolve(stdout)
    })
  })
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: timed out`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Starts the cluster, or returns `null` when `redis-server` is not installed. */
export async function startPrivateRedisCluster(): Promise<PrivateRedisCluster | null> {
  const dir = mkdtempSync(join(tmpdir(), 'fu-redis-cluster-'))
  const children: ChildProcess[] = []
  const stop = async () => {
    await Promise.all(children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return undefined
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      return exited
    }))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const nodes: string[] = []
    for (let i = 0; i < 3; i++) {
      const [port, bus] = [await freePort(), await freePort()]
      const child = spawn('redis-server', [
        '--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
        '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--save', '', '--appendonly', 'no', '--dir', dir,
      ], { stdio: 'ignore' })
      children.push(child)
      const spawned = await new Promise<boolean>((resolve) => {
        child.once('spawn', () => resolve(true))
        child.once('error', () => resolve(false))
      })
      if (!spawned) {
        console.warn('skipping: redis-server is not installed')
        await stop()
        return null
      }
      nodes.push(`127.0.0.1:${port}`)
      await waitFor(`redis-server on ${port}`, async () => (await run('redis-cli', ['-p', String(port), 'ping'])).trim() === 'PONG')
    }
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'])
    for (const node of nodes) {
      const port = node.split(':')[1]!
      await waitFor(`cluster state on ${port}`, async () => (await run('redis-cli', ['-p', port, 'cluster', 'info'])).includes('cluster_state:ok'))
    }
    return {
      nodes,
      client: () => new Cluster(nodes.map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })), { redisOptions: { maxRetriesPerRequest: 2 } }),
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
