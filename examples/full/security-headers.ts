/**
 * Security headers for every response of the example, set unless a route set its own:
 * - `Content-Security-Policy`: an API answers JSON, which needs nothing, so `default-src
 *   'none'`; Swagger UI at /docs sets its own policy (its `staticCSP` option, with the hashes
 *   of its inline scripts), which this hook leaves alone;
 * - `X-Content-Type-Options: nosniff`, so a browser never runs a JSON body as script;
 * - `X-Frame-Options: DENY` and `frame-ancestors 'none'`, against clickjacking;
 * - `Referrer-Policy: no-referrer`, so no URL leaks to other sites;
 * - `Cross-Origin-Opener-Policy` and `Cross-Origin-Resource-Policy: same-origin`;
 * - `Strict-Transport-Security` in production only: sent over plain HTTP on localhost it
 *   would pin every local port to HTTPS in the developer's browser.
 */
import type { FastifyInstance } from 'fastify'

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/** The headers above, by name; `npm run bench`'s baseline answers them too, to compare like with like. */
export function exampleSecurityHeaders(options: { production: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': API_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  }
  if (options.production) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains'
  return headers
}

export function securityHeaders(app: FastifyInstance, options: { production: boolean }): void {
  const entries = Object.entries(exampleSecurityHeaders(options))
  // A callback hook: it runs on every response, and awaits nothing.
  app.addHook('onSend', (_request, reply, payload, done) => {
    for (const [name, value] of entries) if (!reply.hasHeader(name)) reply.header(name, value)
    done(null, payload)
  })
}
