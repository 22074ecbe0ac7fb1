/**
 * The layers of src/ (docs/architecture.md), checked by `npm run check:layers` in `npm test`.
 * Lowest first; a module may import its own layer and the layers below it, never above:
 *
 *   base            errors, user, id, email, hooks, opaque-token, tokens, password*, jwt/,
 *                   common-passwords/, db/types, audit/ (the security events' sink)
 *   session state   revocation/, refresh/, security/, cache/, sessions/  (interfaces, memory stores, pure rules)
 *   authentication  authentication/                  (transports, strategies, backends)
 *   domain          manager (and manager-options, account-tokens), superuser, oauth/,
 *                   two-factor/, magic-link/, passkeys/,
 *                   email-change/
 *   adapters        db/<adapter>/, db/sql/, redis/   (implement the interfaces above)
 *   http            fastify/                         (the only layer that knows Fastify)
 *
 * `index.ts` (the package's root entry) and cli/ stand outside: they assemble the layers.
 * client/ (`fastify-users/client`) stands apart: it runs in browsers and speaks to the server
 * over HTTP only, so it imports nothing of src/ outside itself, and nothing of Node.
 */
const BASE = '^src/((errors|user|id|email|hooks|opaque-token|tokens|password|password-policy)[.]ts|audit/|jwt/|common-passwords/|db/types[.]ts)'
const STATE = '^src/(revocation|refresh|security|cache|sessions)/'
const AUTHENTICATION = '^src/authentication/'
const DOMAIN = '^src/((manager|manager-options|account-tokens|superuser)[.]ts|oauth/|two-factor/|magic-link/|passkeys/|email-change/)'
const ADAPTERS = '^src/(db/(kysely|mongodb|drizzle|sql|fields|errors|merged-record|oauth-account)|redis)(/|[.]ts)'
const ENTRIES = '^src/(index[.]ts|cli/)'
const HTTP = '^src/fastify/'
const CLIENT = '^src/client/'
const FASTIFY = '^node_modules/(fastify|@fastify/|fastify-plugin)'

const above = (...layers) => ({ path: layers.join('|') })

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'an import cycle', from: {}, to: { circular: true } },
    {
      name: 'core-free-of-fastify',
      severity: 'error',
      comment: 'only src/fastify/ knows Fastify: the core, the adapters and the CLI never import it',
      from: { path: '^src/', pathNot: `${HTTP}|^src/index[.]ts$` },
      to: { path: `${HTTP}|${FASTIFY}` },
    },
    {
      name: 'client-stands-alone',
      severity: 'error',
      comment: 'the typed client reaches the server over HTTP only, and runs in browsers: no server module, no Node built-in',
      from: { path: CLIENT },
      to: { pathNot: `${CLIENT}|(^|/)node_modules/(openapi-fetch|openapi-typescript-helpers)/` },
    },
    {
      name: 'nothing-imports-the-client',
      severity: 'error',
      from: { path: '^src/', pathNot: CLIENT },
      to: { path: CLIENT },
    },
    {
      name: 'base-imports-nothing-above',
      severity: 'error',
      from: { path: BASE },
      to: above(STATE, AUTHENTICATION, DOMAIN, ADAPTERS, ENTRIES, HTTP),
    },
    {
      name: 'session-state-below-authentication',
      severity: 'error',
      comment: 'revocation/, refresh/ and security/ hold interfaces and rules that authentication/ builds on',
      from: { path: STATE },
      to: above(AUTHENTICATION, DOMAIN, ADAPTERS, ENTRIES, HTTP),
    },
    {
      name: 'authentication-below-domain',
      severity: 'error',
      from: { path: AUTHENTICATION },
      to: above(DOMAIN, ADAPTERS, ENTRIES, HTTP),
    },
    {
      name: 'domain-below-adapters',
      severity: 'error',
      comment: 'the core holds interfaces; stores live beside their databases',
      from: { path: DOMAIN },
      to: above(ADAPTERS, ENTRIES, HTTP),
    },
    {
      name: 'adapters-below-http',
      severity: 'error',
      from: { path: ADAPTERS },
      to: above(ENTRIES, HTTP),
    },
    {
      name: 'http-uses-no-adapter',
      severity: 'error',
      comment: 'the routes see a database only through the core interfaces',
      from: { path: HTTP },
      to: above(ADAPTERS, ENTRIES),
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '[.]md$' },
  },
}
