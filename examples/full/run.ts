/**
 * Starts an example server from the environment: reads the configuration, builds the app,
 * listens, closes on SIGINT/SIGTERM, and turns a configuration error into a clear message and
 * exit code 1.
 */
import { buildApp } from './app.ts'
import { ConfigError, readConfig } from './config.ts'
import type { ExampleStore } from './database.ts'

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
    throw error
  }
}
