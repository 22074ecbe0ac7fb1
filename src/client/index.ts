/**
 * `fastify-users/client`: a typed fetch client of fastify-users' HTTP API (the one of FastAPI
 * Users), for browsers and Node 20+, with no dependency on Fastify or the server's code. Its
 * types are generated from the OpenAPI document (src/client/openapi.ts); its runtime is
 * openapi-fetch.
 *
 * @packageDocumentation
 */
export { createUsersClient } from './users-client.ts'
export type { UsersClient, UsersClientOptions, Session, AuthorizeOptions, UserReadBase, UserCreateBase, UserUpdateBase, UserUpdateBySuperuserBase, BearerTokens, OAuthAccountLink } from './users-client.ts'
export { UsersClientError, type ErrorDetail } from './error.ts'
export type { paths, components, operations } from './openapi.ts'
