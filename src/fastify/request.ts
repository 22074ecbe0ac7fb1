/**
 * What fastify-users adds to Fastify's request, and how an application types its user.
 *
 * @example
 * // Give `request.user` the application's fields:
 * declare module 'fastify-users' {
 *   interface Register { user: UserRecord & { first_name: string } }
 * }
 */
import type { AuthenticationBackend } from '../authentication/backend.ts'
import type { UserRecord } from '../user.ts'
import type { ApiKeyGrant } from './api-key-grant.ts'

/** Declaration-merge `user` into this interface to type `request.user` everywhere. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Register {}

export type User = Register extends { user: infer U extends UserRecord } ? U : UserRecord

/** The token that authenticated a request, and the backend that read it. */
export interface RequestAuthentication {
  backend: AuthenticationBackend
  token: string
  /** The API key the request came with (`apiKeys` option), when it came with one. */
  apiKey?: ApiKeyGrant
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The user a `currentUser` guard let through. With `optional: true` it is `null` when the
     * guard found nobody; on a route without a guard it is not set.
     */
    user: User
    authentication: RequestAuthentication | null
  }
}
