/**
 * The example's account pages: plain HTML files with one small script each (pages/), on the
 * library's routes only, with cookie authentication (`/auth/cookie`). They are
 * /register, /login (with the code step of two-factor logins), /forgot-password,
 * /reset-password, /verify and /confirm-email (the mailed links land on those three), /account (with its
 * passkeys when they are on, and its sessions when the server lists them), and /admin: the admin console of
 * superusers (list and search users, open one, change its status, roles and ban, delete it;
 * admin-features.ts says which panels the server can answer); `/` leads to /account.
 *
 * Their Content-Security-Policy allows scripts, styles and requests from this origin only: no
 * inline script or style anywhere, so an injected `<script>` or `style=` attribute does nothing.
 * Every file is read once at start-up, and only those files are served (no path from a request
 * ever reaches the file system).
 */
import { readdirSync, readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'

const PAGES_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

const PAGES = ['register', 'login', 'forgot-password', 'reset-password', 'verify', 'confirm-email', 'account', 'admin'] as const

/**
 * The admin console, which shows what users typed (emails, ban reasons), also refuses every
 * HTML sink through Trusted Types: a script of the page that assigned a string to `innerHTML`
 * would throw instead of creating markup. Its scripts build the page with elements and text.
 */
const POLICIES: Partial<Record<(typeof PAGES)[number], string>> = {
  admin: `${PAGES_CSP}; require-trusted-types-for 'script'; trusted-types 'none'`,
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

export interface PagesOptions {
  /** The OAuth providers whose cookie login routes exist (`/auth/cookie/<name>`), for the buttons of /login. */
  oauth: { name: string; label: string }[]
  /** Whether passkeys are on: the /login button and the /account section between `<!--passkeys-->` markers. */
  passkeys: boolean
  /**
   * Whether users may log in with a username: the /login field between `<!--usernames-->`
   * markers (a text field), else the one between `<!--no-usernames-->` (an email field, which
   * the browser would refuse a username in).
   */
  usernames: boolean
}

/** The page without the part between `<!--name-->` and `<!--/name-->` markers. */
function withoutPart(html: string, name: string): string {
  return html.replace(new RegExp(`<!--${name}-->[\\s\\S]*?<!--/${name}-->\\n?`, 'g'), '')
}

export function pageRoutes(app: FastifyInstance, options: PagesOptions): void {
  const folder = new URL('./pages/', import.meta.url)
  const buttons = options.oauth.length === 0
    ? ''
    : `<section class="oauth" aria-label="Other ways to log in">${options.oauth
        .map(({ name, label }) => `<button type="button" data-oauth="${name}">Log in with ${label}</button>`)
        .join('')}</section>`
  for (const page of PAGES) {
    let html = readFileSync(new URL(`${page}.html`, folder), 'utf8').replace('<!--oauth-->', buttons)
    if (!options.passkeys) html = withoutPart(html, 'passkeys')
    html = withoutPart(html, options.usernames ? 'no-usernames' : 'usernames')
    app.get(`/${page}`, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-security-policy', POLICIES[page] ?? PAGES_CSP)
        // The reset, verify and confirm-email pages carry a live token in their URL.
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(html),
    )
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/account'))

  const assets = new Map<string, { type: string; body: Buffer }>()
  for (const name of readdirSync(new URL('assets/', folder))) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))]
    if (type !== undefined) assets.set(name, { type, body: readFileSync(new URL(`assets/${name}`, folder)) })
  }
  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get(request.params.name)
    if (asset === undefined) return reply.callNotFound()
    return reply.header('content-security-policy', PAGES_CSP).header('cache-control', 'no-cache').type(asset.type).send(asset.body)
  })
}
