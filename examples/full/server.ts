/** `npm start`: the full example on the embedded SQLite default, configured by environment. */
import { ConfigError, readConfig } from './config.ts'
import { buildApp } from './app.ts'

try {
  const config = readConfig()
  const app = await buildApp(config)
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
