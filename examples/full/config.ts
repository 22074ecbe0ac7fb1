/**
 * The full example's configuration, from the environment (names shared with the conformance
 * suite and CI). A production deployment must bring its own long secret; a development one
 * gets a random secret and a warning.
 */
import { randomBytes } from 'node:crypto'
import { normalizeEmail } from 'fastify-users'

export interface Config {
  port: number
  host: string
  databaseUrl: string
  secret: string
  jwtLifetime: number
  cookieSecure: boolean
  outboxFile: string | null
  superuser: { email: string; password: string } | null
  production: boolean
}

/** A configuration that cannot start the server; the message says what to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = console.warn): Config {
  const production = env.NODE_ENV === 'production'
  let secret = env.SECRET ?? ''
  if (secret.length < 32) {
    if (production) {
      throw new ConfigError('SECRET must be set to at least 32 characters when NODE_ENV=production (e.g. `openssl rand -base64 48`)')
    }
    if (secret !== '') warn('SECRET is shorter than 32 characters; use a longer one in production.')
    else {
      secret = randomBytes(32).toString('base64url')
      warn('SECRET is not set: using a random development secret; tokens will not survive a restart.')
    }
  }
  const superuserEmail = env.SUPERUSER_EMAIL ?? ''
  const superuserPassword = env.SUPERUSER_PASSWORD ?? ''
  if ((superuserEmail === '') !== (superuserPassword === '')) {
    throw new ConfigError('SUPERUSER_EMAIL and SUPERUSER_PASSWORD go together: set both or neither')
  }
  const email = superuserEmail === '' ? null : normalizeEmail(superuserEmail)
  if (superuserEmail !== '' && email === null) throw new ConfigError(`SUPERUSER_EMAIL is not a valid address: "${superuserEmail}"`)
  return {
    port: integer(env.PORT, 8000, 'PORT'),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || 'sqlite://./users.db',
    secret,
    jwtLifetime: integer(env.JWT_LIFETIME, 3600, 'JWT_LIFETIME'),
    cookieSecure: boolean(env.COOKIE_SECURE, true, 'COOKIE_SECURE'),
    outboxFile: env.OUTBOX_FILE || null,
    superuser: email === null ? null : { email, password: superuserPassword },
    production,
  }
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new ConfigError(`${name} must be a positive whole number, not "${value}"`)
  return parsed
}

function boolean(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback
  if (/^(true|1|yes|on)$/i.test(value)) return true
  if (/^(false|0|no|off)$/i.test(value)) return false
  throw new ConfigError(`${name} must be true or false, not "${value}"`)
}
