/**
 * Health endpoints for a load balancer or an orchestrator:
 * - `GET /health`, liveness: the process answers (200), whatever its stores do, so that an
 *   outage of the database does not get every instance restarted;
 * - `GET /health/ready`, readiness: each store answers a ping within a second (200), or not
 *   (503, with which one failed), so that traffic goes to instances that can serve it.
 */
import type { FastifyInstance } from 'fastify'
import { checkHealth, type HealthProbe } from 'fastify-users'

export function healthRoutes(app: FastifyInstance, probes: Record<string, HealthProbe>): void {
  app.get('/health', { logLevel: 'warn', schema: { operationId: 'health', tags: ['health'] } }, async () => ({ status: 'ok' }))
  app.get('/health/ready', { logLevel: 'warn', schema: { operationId: 'health_ready', tags: ['health'] } }, async (request, reply) => {
    const report = await checkHealth(probes, {
      timeoutMs: 1000,
      onError: (name, error) => request.log.warn({ err: error }, `readiness: ${name} is unavailable`),
    })
    return reply.code(report.ok ? 200 : 503).send({ status: report.ok ? 'ok' : 'unavailable', checks: report.checks })
  })
}
