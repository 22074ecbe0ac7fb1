/**
 * `npm run start:drizzle`: the full example on Drizzle, configured by the environment as
 * examples/full is. DATABASE_URL is `sqlite://<path>` (default `sqlite://./users-drizzle.db`,
 * a file of its own, since drizzle-kit's first migration creates the tables and would refuse
 * the file `npm start` made) or `postgres://…`.
 */
import { runServer } from '../full/run.ts'
import { openDatabase } from './database.ts'

await runServer({ defaultDatabaseUrl: 'sqlite://./users-drizzle.db', openStore: openDatabase })
