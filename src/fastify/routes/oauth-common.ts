/**
 * What the OAuth login and associate routers share (CONTRACT §5.6, §5.7): their options, the
 * `/authorize` handler, the callback up to the provider account (checks, code exchange, the
 * answers to a refused callback), and the optional redirect mode.
 *
 * Redirect mode (`frontendRedirectUrls`): instead of answering JSON, the callback redirects
 * (302) the browser to a front-end URL. `/authorize?redirect_to=` picks one of the configured
 * URLs, compared exactly (no prefixes, no patterns: anything else is a 400, so there is no
 * open redirect); the first is the default. The choice travels in the signed state and is
 * checked against the list again at the callback. A refused callback redirects too, with
 * `?error=<detail>` added, so that the front end can tell the user what happened.
 *
 * Every refusal is a `FastifyUsersError` (all in `src/errors.ts`), rendered by the
 * one error handler: 400 for a refusal, 502 `OAUTH_PROVIDER_UNAVAILABLE` for a provider that
 * cannot be reached; never a 500.
 *
 * Form POST callbacks (Apple): `POST /callback` answers `303 See Other` to `GET /callback` with
 * the form's `code`, `state`, `error` and `iss` as the query. The provider's POST is a cross-site
 * request, which carries no `SameSite=Lax` cookie (neither the CSRF cookie nor a login cookie);
 * the redirected GET is a top-level navigation, which does. So the CSRF check, the guard of the
 * associate router and the rest of the callback stay those of `GET /callback`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ErrorCode, FastifyUsersError, OAuthInvalidResponseError, OAuthProviderRefusedError, StatusError, UsersError } from '../../errors.ts'
import type { KeyMaterial } from '../../jwt/keys.ts'
import type { OAuthAccountInput } from '../../oauth/callback.ts'
import type { OAuthClient } from '../../oauth/client.ts'
import type { OAuthCsrfCookieOptions } from '../../oauth/csrf-cookie.ts'
import { OAuthFlow } from '../../oauth/flow.ts'
import type { OAuthStateStore } from '../../oauth/state-store.ts'

export interface OAuthRouteOptions {
  /** HS256 secret of the state tokens. */
  stateSecret: KeyMaterial
  /**
   * The callback URL registered at the provider. By default it is built from the request
   * (scheme and host as this server sees them); set it in production.
   */
  redirectUrl?: string
  /** Attributes of the CSRF cookie; defaults as FastAPI Users (`Secure`, `HttpOnly`, `SameSite=lax`). */
  csrfCookie?: OAuthCsrfCookieOptions
  /** Where used states are remembered until they expire; this process's memory by default. */
  stateStore?: OAuthStateStore
  /** How long a state (and the CSRF cookie) lives, in seconds; default 600. */
  stateLifetimeSeconds?: number
  /** Redirect mode: the front-end URLs the callback may redirect to (exact matches; the first is the default). */
  frontendRedirectUrls?: string[]
}

/**
 * The account as `oauth_accounts` items show it (CONTRACT §2.2), for a read model that
 * includes them; the associate callback then answers the user with its accounts.
 *
 * @example
 * fastifyUsers({ ..., fields: { read: { oauth_accounts: Type.Optional(Type.Array(OAuthAccountSchema)) } } })
 */
export const OAuthAccountSchema = Type.Object(
  {
    id: Type.String(),
    oauth_name: Type.String(),
    access_token: Type.String(),
    expires_at: Type.Union([Type.Integer(), Type.Null()]),
    refresh_token: Type.Union([Type.String(), Type.Null()]),
    account_id: Type.String(),
    account_email: Type.String(),
  },
  { title: 'OAuthAccount' },
)

export const AuthorizeQuery = Type.Object({
  scopes: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  redirect_to: Type.Optional(Type.String()),
})
export const AuthorizeResponse = Type.Object({ authorization_url: Type.String() }, { title: 'OAuth2AuthorizeResponse' })
export const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
})

/** What a callback's `link` step gets: the provider account, and whether the provider verified its email. */
export type LinkAccount<T> = (account: OAuthAccountInput, emailVerified: boolean) => Promise<T>

/** The flow and the redirect mode of one router. */
export class OAuthRouter {
  readonly flow: OAuthFlow
  readonly frontendUrls: readonly string[] | null
  readonly #redirectUrl: string | null

  /**
   * @example
   * const router = new OAuthRouter(client, { stateSecret: SECRET })
   */
  constructor(client: OAuthClient, options: OAuthRouteOptions) {
    this.flow = new OAuthFlow({
      client,
      stateSecret: options.stateSecret,
      csrfCookie: options.csrfCookie,
      stateStore: options.stateStore,
      stateLifetimeSeconds: options.stateLifetimeSeconds,
    })
    this.#redirectUrl = options.redirectUrl ?? null
    this.frontendUrls = options.frontendRedirectUrls ? checkFrontendUrls(options.frontendRedirectUrls) : null
  }

  /** `GET /authorize`: the authorization URL as JSON, and the CSRF cookie. */
  async authorize(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, sub?: string): Promise<FastifyReply> {
    const query = request.query as { scopes?: string | string[]; redirect_to?: string }
    let redirectTo: string | undefined
    if (this.frontendUrls !== null && query.redirect_to !== undefined) {
      if (!this.frontendUrls.includes(query.redirect_to)) throw new StatusError('BAD_REQUEST')
      redirectTo = query.redirect_to
    }
    const scopes = query.scopes === undefined ? null : ([] as string[]).concat(query.scopes)
    const started = await this.flow.start({ redirectUri: this.#callbackUrl(app, request), scopes, sub, redirectTo })
    reply.header('set-cookie', started.setCookie)
    return reply.send({ authorization_url: started.authorizationUrl })
  }

  /**
   * `POST /callback` of a form-POST provider: `303` to `GET /callback` with the form's
   * authorization response as the query (see the design note above).
   */
  formPostCallback(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const form = (request.body ?? {}) as Record<string, unknown>
    const query = new URLSearchParams()
    for (const name of ['code', 'state', 'error', 'iss']) {
      const value = form[name]
      if (typeof value === 'string') query.set(name, value)
    }
    const target = new URL(this.#callbackUrl(app, request))
    target.search = query.toString()
    return reply.header('cache-control', 'no-store').redirect(target.toString(), 303)
  }

  /**
   * `GET /callback` up to the provider account: clears the CSRF cookie, runs the flow's checks
   * (with `subject`, the user the state must name) and the code exchange, refuses an account
   * without an email, and hands the account to `link`. A refusal, by the flow or by `link` (a
   * `FastifyUsersError`), is thrown to the error handler, or in redirect mode answered here by
   * a redirect and yields `null`; any other error is rethrown (500). `onRefused` hears of the
   * refusals that come before `link` (the flow's checks, the provider's answers).
   * `redirectTo` is the redirect-mode target the state chose.
   */
  async callback<T>(
    app: FastifyInstance,
    request: FastifyRequest,
    reply: FastifyReply,
    options: { subject?: string; link: LinkAccount<T>; onRefused?: (error: FastifyUsersError) => void },
  ): Promise<{ linked: T; redirectTo: string | null } | null> {
    reply.header('set-cookie', this.flow.cookie.clear())
    let redirectTo: string | null = null
    // `link` tells of its own refusals: only it knows the user they concern.
    let linking = false
    try {
      const { state, tokens, profile } = await this.flow.finish({
        headers: request.headers,
        query: callbackQuery(request),
        redirectUri: this.#callbackUrl(app, request),
        subject: options.subject,
      })
      redirectTo = state.redirectTo
      if (profile.email === null) throw new UsersError(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL)
      const account: OAuthAccountInput = {
        oauthName: this.flow.client.name,
        accessToken: tokens.accessToken,
        expiresAt: tokens.expiresAt,
        refreshToken: tokens.refreshToken,
        accountId: profile.accountId,
        accountEmail: profile.email,
      }
      linking = true
      return { linked: await options.link(account, profile.emailVerified), redirectTo }
    } catch (error) {
      if (!linking && error instanceof FastifyUsersError) options.onRefused?.(error)
      this.#refuse(request, reply, error, redirectTo)
      return null
    }
  }

  /** In redirect mode, sends the browser back to the front end: the state's choice if still allowed, else the default. */
  redirectBack(reply: FastifyReply, redirectTo: string | null, fragment?: URLSearchParams): FastifyReply {
    // A fragment never reaches a server, a log or a Referer: the place for a two-factor challenge.
    const target = fragment === undefined ? this.#frontendTarget(redirectTo) : `${this.#frontendTarget(redirectTo).split('#')[0]}#${fragment}`
    return reply.redirect(target, 302)
  }

  /** The callback URL: the configured one, or this router's `/callback` as the request reached it. */
  #callbackUrl(app: FastifyInstance, request: FastifyRequest): string {
    return this.#redirectUrl ?? `${request.protocol}://${request.host}${app.prefix}/callback`
  }

  #frontendTarget(redirectTo: string | null): string {
    const urls = this.frontendUrls!
    return redirectTo !== null && urls.includes(redirectTo) ? redirectTo : urls[0]!
  }

  /**
   * A refused callback: thrown to the error handler (`{"detail"}` with the error's status), or
   * in redirect mode a redirect with `?error=<detail>`. The provider's misbehaviour is logged
   * with its reason, which the response never carries.
   */
  #refuse(request: FastifyRequest, reply: FastifyReply, error: unknown, redirectTo: string | null): void {
    if (!(error instanceof FastifyUsersError) || typeof error.detail !== 'string') throw error
    const providerFault = error instanceof OAuthInvalidResponseError || error instanceof OAuthProviderRefusedError
    if (this.frontendUrls === null) {
      if (providerFault) request.log.warn({ err: error.cause ?? error }, error.message)
      throw error
    }
    if (providerFault || error.statusCode >= 500) request.log.warn({ err: error.cause ?? error }, error.message)
    const target = new URL(this.#frontendTarget(redirectTo))
    target.searchParams.set('error', error.detail)
    reply.redirect(target.toString(), 302)
  }
}

/** The callback's query string, untouched by validation (OpenID Connect needs all of it). */
function callbackQuery(request: FastifyRequest): URLSearchParams {
  const question = request.url.indexOf('?')
  return new URLSearchParams(question === -1 ? '' : request.url.slice(question + 1))
}

function checkFrontendUrls(urls: string[]): string[] {
  if (urls.length === 0) throw new TypeError('frontendRedirectUrls needs at least one URL')
  for (const url of urls) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new TypeError(`frontendRedirectUrls: "${url}" is not an absolute URL`)
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError(`frontendRedirectUrls: "${url}" is not http(s)`)
  }
  return [...urls]
}
