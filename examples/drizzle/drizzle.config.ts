/**
 * drizzle-kit's configuration for the example: the dialect follows DATABASE_URL, as the server
 * does (`sqlite://…`, the default, or `postgres://…`), and each dialect has its own schema file
 * and migrations folder. The migrations are committed; regenerate them after changing a schema:
 *
 *   NODE_OPTIONS=--conditions=source npx drizzle-kit generate --config examples/drizzle/drizzle.config.ts
 *   DATABASE_URL=postgres://… NODE_OPTIONS=--conditions=source npx drizzle-kit generate --config examples/drizzle/drizzle.config.ts
 *
 * (`--conditions=source` lets drizzle-kit load fastify-users from its TypeScript sources.)
 */
import { defineConfig } from 'drizzle-kit'

const postgres = /^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? '')

export default defineConfig(
  postgres
    ? {
        dialect: 'postgresql',
        schema: './examples/drizzle/schema-pg.ts',
        out: './examples/drizzle/drizzle/pg',
      }
    : {
        dialect: 'sqlite',
        schema: './examples/drizzle/schema-sqlite.ts',
        out: './examples/drizzle/drizzle/sqlite',
      },
)
