/**
 * What a Fastify request tells the audit log (src/audit/): the client's address as Fastify
 * trusts it (`request.ip`: the socket's peer, or a trusted proxy's `X-Forwarded-For` with
 * `trustProxy`), its user agent, the user a guard authenticated (the actor, when it acts on
 * another account), and the request's logger for failures.
 */
import type { FastifyRequest } from 'fastify'
import type { AuditRequestFacts } from '../audit/audit-log.ts'
import type { User } from './request.ts'

export function describeAuditRequest(request: FastifyRequest): AuditRequestFacts {
  // Set by a guard only: unguarded routes (login) have no authenticated user.
  const user: User | null | undefined = request.user
  const agent = request.headers['user-agent']
  return { ip: request.ip ?? null, user_agent: typeof agent === 'string' ? agent : null, user_id: user?.id ?? null, log: request.log }
}
