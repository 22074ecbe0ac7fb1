/**
 * The SQL databases fastify-users speaks to, named as the SQL adapters (Kysely, Drizzle) and
 * the helpers they share (this folder) tell them apart.
 */

/** A SQL database. MariaDB is `mysql`; the Drizzle adapter speaks to `sqlite` and `postgres`. */
export type SqlDialect = 'sqlite' | 'postgres' | 'mysql'
