/**
 * What the guard does for a request authenticated by an API key (src/api-keys/): find the key
 * the request came with, so that the guard restricts the request to it (its permissions, no
 * superuser powers), and record the key's use once the response is written, off the request's
 * path (the record itself is throttled by `ApiKeys.recordUse`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Authenticated } from '../authentication/authenticator.ts'
import { ApiKeyStrategy } from '../api-keys/strategy.ts'
import type { ApiKeyRecord } from '../api-keys/store.ts'
import type { UserRecord } from '../user.ts'

/** The key of a request, as `request.authentication.apiKey` shows it. */
export interface ApiKeyGrant {
  id: string
  name: string
  permissions: readonly string[]
}

/** The key that authenticated `found`, or `null` when another backend did. */
export function apiKeyOf(found: Authenticated<UserRecord> | null): ApiKeyRecord | null {
  const strategy = found?.backend.strategy
  return strategy instanceof ApiKeyStrategy ? strategy.grantOf(found!.user) : null
}

/** Records the key's use after the response is written; a failure is logged, never answered. */
export function recordApiKeyUse(request: FastifyRequest, reply: FastifyReply, found: Authenticated<UserRecord>, key: ApiKeyRecord): void {
  const strategy = found.backend.strategy as ApiKeyStrategy
  reply.raw.once('finish', () => {
    strategy.apiKeys.recordUse(key).catch((err: unknown) => request.log.error({ err }, 'recording an API key use failed'))
  })
}

/** What the application's handlers see of the key. */
export function grantOf(key: ApiKeyRecord): ApiKeyGrant {
  return { id: key.id, name: key.name, permissions: [...key.permissions] }
}
