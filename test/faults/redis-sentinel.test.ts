/**
 * Fault: the Redis master of a Sentinel set dies under load. A private set (one master, one
 * replica, three sentinels, free ports) serves the example's login throttle through
 * REDIS_SENTINELS; its master is killed by PID during a bounded load. While the sentinels elect
 * the replica, requests that need Redis are refused at once (503 in the library's shape, no
 * request left hanging); afterwards the example continues on the new master without a restart.
 * A token logged out before the failover stays refused throughout: revocations live in the
 * database, which no Redis failover can roll back.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../support/free-port.ts'
import { checkNoLoginThrottled, checkOutcomes, DRIVER_WORDS, expectServingOneSecondAfter, sleep } from './support/checks.ts'
import { startExampleServer, type ExampleServer } from './support/example-server.ts'
import { call, logIn, newAccount, startLoad, type Account } from './support/load.ts'
import { hasBinary } from './support/private-services.ts'

const NAME = 'fu-users'

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: timed out`)
    await sleep(100)
  }
}

describe('Redis Sentinel failover under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fu-faults-sentinel-'))
  const children: ChildProcess[] = []
  let master: ChildProcess
  let ports: { master: number; replica: number; sentinels: number[] }
  let server: ExampleServer | null = null
  const available = hasBinary('redis-server')

  const start = (args: string[]): ChildProcess => {
    const child = spawn('redis-server', args, { stdio: 'ignore' })
    children.push(child)
    return child
  }
  const answers = (port: number) => async () => {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    client.on('error', () => {})
    try {
      await client.connect()
      return (await client.ping()) === 'PONG'
    } finally {
      client.disconnect()
    }
  }
  const masterPort = async (sentinel: number): Promise<number | null> => {
    const client = new Redis({ port: sentinel, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    client.on('error', () => {})
    try {
      await client.connect()
      const address = (await client.call('SENTINEL', 'get-master-addr-by-name', NAME)) as [string, string] | null
      return address === null ? null : Number(address[1])
    } finally {
      client.disconnect()
    }
  }

  beforeAll(async () => {
    if (!available) return
    ports = { master: await freePort(), replica: await freePort(), sentinels: [await freePort(), await freePort(), await freePort()] }
    const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]
    master = start(['--port', String(ports.master), ...common])
    await waitFor('master', answers(ports.master))
    start(['--port', String(ports.replica), '--replicaof', '127.0.0.1', String(ports.master), ...common])
    await waitFor('replica', answers(ports.replica))
    for (const port of ports.sentinels) {
      const config = join(dir, `sentinel-${port}.conf`)
      writeFileSync(config, [
        `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
        `sentinel monitor ${NAME} 127.0.0.1 ${ports.master} 2`,
        `sentinel down-after-milliseconds ${NAME} 1000`,
        `sentinel failover-timeout ${NAME} 5000`,
      ].join('\n'))
      start([config, '--sentinel'])
    }
    for (const port of ports.sentinels) await waitFor(`sentinel ${port}`, async () => (await masterPort(port)) === ports.master)
    // The replica must hold the master's data before the master may die.
    await waitFor('replication', async () => {
      const client = new Redis({ port: ports.replica, host: '127.0.0.1', lazyConnect: true })
      client.on('error', () => {})
      try {
        await client.connect()
        return (await client.info('replication')).includes('master_link_status:up')
      } finally {
        client.disconnect()
      }
    })
    server = await startExampleServer({
      DATABASE_URL: `sqlite://${join(dir, 'users.db')}`,
      REDIS_SENTINELS: ports.sentinels.map((port) => `127.0.0.1:${port}`).join(','),
      REDIS_SENTINEL_NAME: NAME,
    })
  })

  afterAll(async () => {
    await server?.stop()
    await Promise.all(children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return undefined
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      return exited
    }))
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses fast while the sentinels switch, then serves on the new master; a logout stays refused', async (ctx) => {
    if (!available || server === null) return ctx.skip()
    const base = server.url
    const accounts: Account[] = []
    for (let i = 0; i < 4; i++) accounts.push(await newAccount(base, 'sentinel'))
    const leaver = await newAccount(base, 'sentinel-leaver')
    expect((await call(base, 'POST', '/auth/jwt/logout', { token: leaver.token })).status).toBe(204)
    expect((await call(base, 'GET', '/users/me', { token: leaver.token })).status).toBe(401)

    const load = startLoad(base, accounts, { maxRequests: 4000, maxMs: 60_000 })
    await sleep(500)
    const killedAt = Date.now()
    master.kill('SIGKILL')
    await waitFor('the sentinels elect the replica', async () => (await masterPort(ports.sentinels[0]!)) === ports.replica)
    // The first login that succeeds after the kill: the example is on the new master.
    let servedAgainAt = 0
    let last: unknown = null
    await waitFor('a login on the new master', async () => {
      try {
        await logIn(base, accounts[0]!)
      } catch (error) {
        last = error
        throw error
      }
      servedAgainAt = Date.now()
      return true
    }).catch((error: Error) => {
      throw new Error(`${error.message}; last: ${String(last)}\n${server!.output.join('').slice(-3000)}`)
    })
    const outcomes = await load.stop()

    const leaks = [...DRIVER_WORDS, String(ports.master), String(ports.replica), ...ports.sentinels.map(String)]
    const { unavailable } = checkOutcomes(outcomes, { leaks })
    checkNoLoginThrottled(outcomes)
    // The failover was seen: requests during the switch were refused, none left hanging (0).
    expect(unavailable).toBeGreaterThan(0)
    await expectServingOneSecondAfter(base, accounts[1]!)
    expect((await call(base, 'GET', '/users/me', { token: leaver.token })).status).toBe(401)
    expect(server.alive()).toBe(true)
    console.info(`sentinel failover: ${outcomes.length} requests, ${unavailable} answered 503, serving again ${servedAgainAt - killedAt} ms after the kill`)
  })
})
