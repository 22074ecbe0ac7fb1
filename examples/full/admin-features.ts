/**
 * `GET /admin/features`, for the admin console (pages/admin.html): which of its panels the
 * server can answer, and the role names the roles panel and the list's role filter offer. A feature is on exactly when
 * its route is registered, so the console never shows a panel whose calls would be 404s, and a
 * new panel needs only its probe here. Superusers only: to anyone else it is a 401/403, as
 * every route the console calls. `usernames`, which adds no route of its own (it adds the list's
 * username search and the login by username), is listed when the application turns it on.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify'
import { Type } from 'typebox'

/** Each feature of the console and the route whose presence turns it on. */
const PROBES: Record<string, { method: HTTPMethods; url: string }> = {
  list: { method: 'GET', url: '/users/' },
  roles: { method: 'PUT', url: '/users/:id/roles' },
  ban: { method: 'PUT', url: '/users/:id/ban' },
  sessions: { method: 'GET', url: '/users/:id/sessions' },
  events: { method: 'GET', url: '/users/:id/events' },
}

const AdminFeatures = Type.Object({
  features: Type.Array(Type.String()),
  roles: Type.Array(Type.String()),
})

export interface AdminFeaturesOptions {
  /** The guard of superusers (`users.currentUser({ active: true, superuser: true })`). */
  superuser: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
  /** The configured role names, for the roles panel. */
  roles: readonly string[]
  /** Whether users have usernames (the `usernames` option of fastifyUsers). */
  usernames: boolean
}

export function adminFeaturesRoute(app: FastifyInstance, options: AdminFeaturesOptions): void {
  app.get('/admin/features', {
    schema: { hide: true, response: { 200: AdminFeatures } },
    onRequest: options.superuser,
  }, async (_request, reply) => {
    const features = Object.keys(PROBES).filter((name) => app.hasRoute(PROBES[name]!))
    if (options.usernames) features.push('usernames')
    return reply.header('cache-control', 'no-store').send({ features, roles: [...options.roles] })
  })
}
