/**
 * Starts an example server from the environment: reads the configuration, builds the app,
 * listens, closes on SIGINT/SIGTERM, and turns a configuration or start-up error (a database
 * or Redis out of reach, a driver not installed, a port in use) into one line and exit code 1.
 */
import { ConfigurationError } from 'fastify-users'
import { buildApp } from './app.ts'
import { ConfigError, readConfig } from './config.ts'
import type { ExampleStore } from './database.ts'

function startupErrorLine(error: unknown): string | null {
  if (!(error instanceof Error)) return null
  // Every start-up error of the library is a ConfigurationError whose message is the line to print.
  if (error instanceof ConfigurationError) return error.message
  const { code, port, address } = error as { code?: unknown; port?: unknown; address?: unknown }
  if (code === 'EADDRINUSE') return `port ${String(port)} of ${String(address)} is in use: stop the other server or set PORT`
  if (code === 'EACCES' && port !== undefined) return `no permission to listen on port ${String(port)}: set PORT to 1024 or above`
  return null
}

export interface RunOptions {
  /** DATABASE_URL when the environment has none. */
  defaultDatabaseUrl?: string
  /** Opens the store of DATABASE_URL; examples/full's own adapters by default. */
  openStore?: (url: string) => Promise<ExampleStore>
}

export async function runServer(options: RunOptions = {}): Promise<void> {
  try {
    const env = options.defaultDatabaseUrl && !process.env.DATABASE_URL
      ? { ...process.env, DATABASE_URL: options.defaultDatabaseUrl }
      : process.env
    const config = readConfig(env)
    const app = await buildApp(config, options.openStore && (await options.openStore(config.databaseUrl)))
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void app.close().then(() => process.exit(0)))
    }
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`)
      process.exit(1)
    }
    const line = startupErrorLine(error)
    if (line !== null) {
      console.error(`Start-up error: ${line}`)
      process.exit(1)
    }
    throw error
  }
}
