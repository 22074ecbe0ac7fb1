/**
 * `npm run start:drizzle`: the full example on Drizzle, configured by the environment as
 * examples/full is. DATABASE_URL is `sqlite://<path>` (default `sqlite://./users-drizzle.db`,
 * a file of its own, since drizzle-kit's first migration creates the tables and would refuse
 * the file `npm start` made) or `postgres://…`.
 */
import { ConfigError, readConfig } from '../full/config.ts'
import { buildApp } from '../full/app.ts'
import { openDatabase } from './database.ts'

try {
  const config = readConfig({ ...process.env, DATABASE_URL: process.env.DATABASE_URL || 'sqlite://./users-drizzle.db' })
  const app = await buildApp(config, await openDatabase(config.databaseUrl))
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
