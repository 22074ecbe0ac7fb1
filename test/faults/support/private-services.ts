/**
 * Private database and Redis servers for the fault-injection suite: each on a free port of
 * 127.0.0.1, with its data in a temporary directory, started, stopped and restarted by the
 * test, and stopped by PID at the end whatever happened. The shared services on the standard
 * ports are never touched.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../support/free-port.ts'

export interface PrivateService {
  /** The URL the example connects with. */
  url: string
  port: number
  /** Stops the server (clean shutdown) and waits until it is gone. */
  stop(): Promise<void>
  /** Starts it again on the same port and data, and waits until it accepts connections. */
  start(): Promise<void>
  /** Stops it and frees everything, whatever its state; safe to call twice. */
  dispose(): Promise<void>
}

/** The PostgreSQL binaries of the newest installed version, or `null`. */
export function postgresBinaries(): string | null {
  if (!existsSync('/usr/lib/postgresql')) return null
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
  versions.sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? null : `/usr/lib/postgresql/${versions[0]}/bin`
}

export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0
}

/**
 * Runs a command to its end without blocking the event loop: the load's requests and their
 * timers go on while a server restarts.
 */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', timeout: 90_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}${stdout}`))
      else resolve(stdout)
    })
  })
}

const succeeds = (command: string, args: string[]): Promise<boolean> => run(command, args).then(() => true, () => false)

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: timed out`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Control of a PostgreSQL data directory in `dir` (owned by the `postgres` OS user, since the
 * server refuses root): `pg_ctl` runs as that user, the server listens on 127.0.0.1:`port` and
 * its socket in `dir`.
 */
function postgresControl(bin: string, dir: string, port: number) {
  const data = join(dir, 'data')
  const asPostgres = (args: string[]) => run('runuser', ['-u', 'postgres', '--', ...args])
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=50`
  const pgCtl = (...args: string[]) => asPostgres([`${bin}/pg_ctl`, '-D', data, '-w', '-t', '60', ...args])
  const postmasterPid = (): number | null => {
    try {
      return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
    } catch {
      return null
    }
  }
  let disposed = false
  return {
    data,
    asPostgres,
    async start() {
      await pgCtl('-l', join(dir, 'server.log'), '-o', serverOptions, 'start')
    },
    async stop() {
      await pgCtl('-m', 'fast', 'stop')
    },
    async restart() {
      await pgCtl('-m', 'fast', 'restart')
    },
    async dispose() {
      if (disposed) return
      disposed = true
      const pid = postmasterPid()
      if (pid !== null && isAlive(pid)) {
        await pgCtl('-m', 'immediate', 'stop').catch(() => {})
        if (isAlive(pid)) process.kill(pid, 'SIGKILL')
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function postgresDirectory(): Promise<{ dir: string; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fu-faults-pg-'))
  await run('chown', ['postgres:postgres', dir])
  return { dir, port: await freePort() }
}

/**
 * A PostgreSQL cluster of its own, with a database `faults`: `initdb` and `pg_ctl` run as the
 * `postgres` OS user, data in a temporary directory that user owns. It accepts replication
 * connections from 127.0.0.1 (initdb's trust rules), for `startPrivatePostgresReplica`.
 */
export async function startPrivatePostgres(bin: string): Promise<PrivateService & { restart(): Promise<void> }> {
  const { dir, port } = await postgresDirectory()
  const control = postgresControl(bin, dir, port)
  await control.asPostgres([`${bin}/initdb`, '-D', control.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  await control.start()
  await queryPostgres(bin, port, 'CREATE DATABASE faults', 'postgres')
  const { start, stop, restart, dispose } = control
  return { url: `postgres://postgres@127.0.0.1:${port}/faults`, port, start, stop, restart, dispose }
}

/**
 * A streaming replica (hot standby) of a private PostgreSQL: `pg_basebackup -R` from the
 * primary's port, then started on a port of its own. Its URL names the same database `faults`.
 */
export async function startPrivatePostgresReplica(bin: string, primaryPort: number): Promise<PrivateService> {
  const { dir, port } = await postgresDirectory()
  const control = postgresControl(bin, dir, port)
  try {
    await control.asPostgres([
      `${bin}/pg_basebackup`, '-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', control.data,
      '-R', '-X', 'stream', '-c', 'fast', '--no-sync',
    ])
    await control.start()
  } catch (error) {
    await control.dispose()
    throw error
  }
  const { start, stop, dispose } = control
  return { url: `postgres://postgres@127.0.0.1:${port}/faults`, port, start, stop, dispose }
}

/** Runs one SQL statement with psql on a private PostgreSQL; its rows, unaligned. */
export async function queryPostgres(bin: string, port: number, statement: string, database = 'faults'): Promise<string> {
  const output = await run(`${bin}/psql`, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-tAqc', statement])
  return output.trim()
}

/** Counts the rows of a table of the private PostgreSQL database. */
export async function countPostgresRows(bin: string, port: number, table: string): Promise<number> {
  return Number(await queryPostgres(bin, port, `SELECT count(*) FROM "${table}"`))
}

/** A child server process that the test starts and stops by PID. */
function childServer(command: string, args: string[], port: number, log: string[]): { start(): Promise<void>; stop(): Promise<void>; pid(): number | null } {
  let child: ChildProcess | null = null
  return {
    async start() {
      const current = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      child = current
      current.stdout!.on('data', (chunk) => log.push(String(chunk)))
      current.stderr!.on('data', (chunk) => log.push(String(chunk)))
      await waitFor(`${command} on port ${port}`, async () => {
        if (current.exitCode !== null) throw new Error(`${command} exited with ${current.exitCode}:\n${log.join('').slice(-2000)}`)
        return acceptsConnections(port)
      })
    },
    async stop() {
      const current = child
      if (current === null || current.exitCode !== null || current.signalCode !== null) return
      const exited = new Promise((resolve) => current.once('exit', resolve))
      current.kill('SIGTERM')
      const timer = setTimeout(() => current.kill('SIGKILL'), 30_000)
      await exited
      clearTimeout(timer)
    },
    pid: () => child?.pid ?? null,
  }
}

/** A MariaDB server of its own: `mariadb-install-db`, then `mariadbd` on its port, socket and data. */
export async function startPrivateMariadb(): Promise<PrivateService & { log: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'fu-faults-mariadb-'))
  const data = join(dir, 'data')
  await run('chown', ['mysql:mysql', dir])
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db'])
  const port = await freePort()
  const log: string[] = []
  const server = childServer('mariadbd', [
    '--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'mariadb.sock')}`,
    `--pid-file=${join(dir, 'mariadb.pid')}`, '--user=mysql', '--skip-grant-tables', '--skip-log-bin', '--innodb-buffer-pool-size=32M',
    '--innodb-flush-log-at-trx-commit=2', `--log-error=${join(dir, 'error.log')}`,
  ], port, log)
  await server.start()
  // Accepting TCP comes slightly before answering queries.
  await waitFor('MariaDB answers', () => succeeds('mariadb', ['-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-e', 'SELECT 1']))
  await run('mariadb', ['-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-e', 'CREATE DATABASE faults'])
  let disposed = false
  return {
    url: `mysql://root@127.0.0.1:${port}/faults`,
    port,
    log,
    stop: () => server.stop(),
    async start() {
      await server.start()
      await waitFor('MariaDB answers', () => succeeds('mariadb', ['-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-e', 'SELECT 1']))
    },
    async dispose() {
      if (disposed) return
      disposed = true
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function countMariadbRows(port: number, table: string): Promise<number> {
  const output = await run('mariadb', ['-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-N', '-B', '-e', `SELECT count(*) FROM faults.\`${table}\``])
  return Number(output.trim())
}

/** A Redis of its own, without persistence: a restart loses every key, as in a container. */
export async function startPrivateRedis(): Promise<PrivateService> {
  const dir = mkdtempSync(join(tmpdir(), 'fu-faults-redis-'))
  const port = await freePort()
  const log: string[] = []
  const server = childServer('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], port, log)
  await server.start()
  let disposed = false
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => server.stop(),
    start: () => server.start(),
    async dispose() {
      if (disposed) return
      disposed = true
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
