/**
 * A server under test, as a child process: started with plain `node --import tsx` (no tsx
 * wrapper process, so the child's pid is the server's own and /proc/<pid> describes it), pinned
 * to the server cores, its log written to a file. The bench reads its peak resident memory
 * (VmHWM) and the CPU time it spent (utime + stime, all threads, the hashing pool included).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import type { CorePlan } from './machine.ts'

const CLOCK_TICKS_PER_SECOND = 100
const START_TIMEOUT_MS = 60_000

export interface ServerOptions {
  /** The script to run, relative to the repository root. */
  script: string
  port: number
  env: Record<string, string>
  plan: CorePlan
  logFile: string
}

/** A running server child; `stop()` ends it and returns its figures. */
export class ServerProcess {
  readonly url: string
  readonly #child: ChildProcess
  readonly #logFile: string
  #exit: Promise<string>

  private constructor(child: ChildProcess, port: number, logFile: string) {
    this.#child = child
    this.url = `http://127.0.0.1:${port}`
    this.#logFile = logFile
    this.#exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)))
  }

  /**
   * Starts the script and waits until it answers HTTP.
   *
   * @example
   * const server = await ServerProcess.start({ script: 'bench/baseline-server.ts', port: 8100, env: {}, plan, logFile })
   */
  static async start(options: ServerOptions): Promise<ServerProcess> {
    // BENCH_SERVER_NODE_FLAGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to look inside a server.
    const flags = (process.env['BENCH_SERVER_NODE_FLAGS'] ?? '').split(' ').filter(Boolean)
    const node = [process.execPath, ...flags, '--conditions=source', '--import', 'tsx', options.script]
    const command = options.plan.server === null ? node : ['taskset', '-c', options.plan.server, ...node]
    const log = openSync(options.logFile, 'w')
    const child = spawn(command[0]!, command.slice(1), {
      env: { ...process.env, ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
      stdio: ['ignore', log, log],
    })
    closeSync(log)
    const server = new ServerProcess(child, options.port, options.logFile)
    await server.#waitUntilReady()
    return server
  }

  get pid(): number {
    return this.#child.pid!
  }

  /** Peak resident set size so far, in MiB. */
  peakRssMiB(): number {
    const kib = Number(/^VmHWM:\s*(\d+)/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1] ?? 0)
    return kib / 1024
  }

  /** CPU seconds the process has used, all threads. */
  cpuSeconds(): number {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
      throw new Error(`the server ${this.url} has exited (${this.#child.signalCode ?? `code ${this.#child.exitCode}`}):\n${this.logTail()}`)
    }
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
  }

  /** The last lines of the server's log, for error messages. */
  logTail(lines = 20): string {
    return readFileSync(this.#logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode === null) this.#child.kill('SIGTERM')
    const exited = await Promise.race([this.#exit.then(() => true), sleep(5000).then(() => false)])
    if (!exited) {
      this.#child.kill('SIGKILL')
      await this.#exit
    }
  }

  async #waitUntilReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS
    let exited: string | null = null
    void this.#exit.then((how) => (exited = how))
    while (Date.now() < deadline) {
      if (exited !== null) throw new Error(`the server exited during start-up (${exited}):\n${this.logTail()}`)
      try {
        await fetch(`${this.url}/`, { signal: AbortSignal.timeout(1000) })
        return
      } catch {
        await sleep(100)
      }
    }
    await this.stop()
    throw new Error(`the server did not answer within ${START_TIMEOUT_MS / 1000} s:\n${this.logTail()}`)
  }
}
