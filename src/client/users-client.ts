/**
 * The typed client: one method per route of fastify-users (FastAPI Users' routes, plus
 * logout-all, refresh and the OAuth account routes), over openapi-fetch with the generated
 * paths of openapi.ts. The application's own user fields come in through the type parameters.
 */
import createClient, { type Client } from 'openapi-fetch'
import { UsersClientError } from './error.ts'
import type { components, paths } from './openapi.ts'

/** The user as the server returns it, without the application's own fields. */
export type UserReadBase = components['schemas']['UserRead']
/** A registration's body, without the application's own fields. */
export type UserCreateBase = components['schemas']['UserCreate']
/** The body of `PATCH /users/me`, without the application's own fields. */
export type UserUpdateBase = components['schemas']['UserUpdate']
/** The body of `PATCH /users/{id}` (superusers), without the application's own fields. */
export type UserUpdateBySuperuserBase = components['schemas']['UserUpdateBySuperuser']
/** A bearer login's or refresh's body; `refresh_token` when the backend has refresh tokens. */
export type BearerTokens = components['schemas']['BearerResponse']
/** A provider account linked to the current user. */
export type OAuthAccountLink = components['schemas']['OAuthAccountLink']

/** The tokens a bearer client holds; a cookie client holds none (the browser keeps the cookies). */
export interface Session {
  accessToken: string | null
  refreshToken: string | null
}

/** Where the server is and how it authenticates. */
export interface UsersClientOptions {
  /** The server's origin and base path, e.g. `https://api.example.com`. */
  baseUrl: string
  /**
   * `bearer` (default): the client keeps the tokens of `login` and `refresh` and sends
   * `Authorization: Bearer`. `cookie`: the server's cookies do it, which only a browser (or a
   * `fetch` with a cookie jar) keeps; requests are sent with `credentials: 'include'`.
   */
  transport?: 'bearer' | 'cookie'
  /** The backend's name in its paths (`/auth/<backend>/login`); default `jwt` for bearer, `cookie` for cookie. */
  backend?: string
  /** The prefix of the auth, register, reset and verify routes; default `/auth`. */
  authPrefix?: string
  /** The prefix of the users routes; default `/users`. */
  usersPrefix?: string
  /** A `fetch` to use instead of the global one (tests, a cookie jar, a proxy agent). */
  fetch?: (request: Request) => Promise<Response>
  /** Tokens from an earlier session (stored by the application). */
  session?: Session
  /** Called whenever the tokens change (login, refresh, logout), to store them. */
  onSession?: (session: Session) => void
}

/** Options of an OAuth authorization URL. */
export interface AuthorizeOptions {
  /** Extra scopes to ask the provider for. */
  scopes?: string[]
  /** Where the server redirects after the callback, when the application turned redirects on. */
  redirectTo?: string
}

/** The methods of {@link createUsersClient}, typed with the application's user models. */
export interface UsersClient<User extends UserReadBase, Create extends UserCreateBase, Update extends UserUpdateBase> {
  /** The openapi-fetch client underneath, with the paths of the OpenAPI document, for other routes. */
  readonly fetchClient: Client<paths>
  /** The current tokens (bearer). */
  readonly session: Readonly<Session>
  /** `POST {auth}/{backend}/login`; a bearer client keeps the tokens it answers, a cookie client gets `undefined`. */
  login(username: string, password: string): Promise<BearerTokens | undefined>
  /** `POST {auth}/{backend}/logout`, then forgets the tokens. */
  logout(): Promise<void>
  /** `POST {auth}/{backend}/logout-all`: ends every token of the user, then forgets the tokens. */
  logoutAll(): Promise<void>
  /** `POST {auth}/{backend}/refresh`: a new access token and a new refresh token, kept by a bearer client. */
  refresh(): Promise<BearerTokens | undefined>
  /** `POST {auth}/register`. */
  register(user: Create): Promise<User>
  /** `POST {auth}/forgot-password`: 202 whether or not the address is known. */
  forgotPassword(email: string): Promise<void>
  /** `POST {auth}/reset-password`. */
  resetPassword(token: string, password: string): Promise<void>
  /** `POST {auth}/request-verify-token`: 202 whether or not the address is known. */
  requestVerifyToken(email: string): Promise<void>
  /** `POST {auth}/verify`. */
  verify(token: string): Promise<User>
  /** `GET {users}/me`. */
  me(): Promise<User>
  /** `PATCH {users}/me`. */
  updateMe(update: Update): Promise<User>
  /** `GET {users}/{id}` (superusers). */
  getUser(id: string): Promise<User>
  /** `PATCH {users}/{id}` (superusers). */
  updateUser(id: string, update: UserUpdateBySuperuserBase & Partial<Omit<Update, keyof UserUpdateBase>>): Promise<User>
  /** `DELETE {users}/{id}` (superusers). */
  deleteUser(id: string): Promise<void>
  /** `GET {users}/me/oauth-accounts`. */
  oauthAccounts(): Promise<OAuthAccountLink[]>
  /** `DELETE {users}/me/oauth-accounts/{provider}/{account_id}`. */
  unlinkOAuthAccount(provider: string, accountId: string): Promise<void>
  /** `GET {auth}/{provider}/authorize`, or `{auth}/associate/{provider}/authorize` with `associate`: the provider's URL to send the browser to. */
  oauthAuthorize(provider: string, options?: AuthorizeOptions & { associate?: boolean }): Promise<string>
  /**
   * `GET {auth}/{provider}/callback` with the `code` and `state` the provider gave the page
   * (its query string), as a single-page application forwards them: logs in (a bearer client
   * keeps the tokens). The browser must send the CSRF cookie set at authorize, so this only
   * works where the cookies of the authorize call are kept.
   */
  oauthCallback(provider: string, query: URLSearchParams | Record<string, string>): Promise<BearerTokens | undefined>
  /** `GET {auth}/associate/{provider}/callback`: links the provider account to the current user. */
  oauthAssociateCallback(provider: string, query: URLSearchParams | Record<string, string>): Promise<User>
}

interface Answer {
  data?: unknown
  error?: unknown
  response: Response
}

/**
 * A typed client of a fastify-users server. The type parameters are the application's user
 * models: its read model (what `me()` returns), and its create and update bodies, each the base
 * model plus the application's own fields (`fields` of `fastifyUsers`).
 *
 * @example
 * interface User extends UserReadBase { first_name: string | null }
 * const client = createUsersClient<User>({ baseUrl: 'http://127.0.0.1:8000' })
 * await client.login('king.arthur@camelot.bt', 'guinevere')
 * const me = await client.me() // me.first_name: string | null
 */
export function createUsersClient<
  User extends UserReadBase = UserReadBase,
  Create extends UserCreateBase = UserCreateBase,
  Update extends UserUpdateBase = UserUpdateBase,
>(options: UsersClientOptions): UsersClient<User, Create, Update> {
  const bearer = (options.transport ?? 'bearer') === 'bearer'
  const auth = options.authPrefix ?? '/auth'
  const usersPrefix = options.usersPrefix ?? '/users'
  const backend = `${auth}/${options.backend ?? (bearer ? 'jwt' : 'cookie')}`
  const session: Session = { accessToken: options.session?.accessToken ?? null, refreshToken: options.session?.refreshToken ?? null }
  const fetchClient = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(bearer ? {} : { credentials: 'include' as const }),
  })
  if (bearer) {
    fetchClient.use({
      onRequest({ request }) {
        if (session.accessToken !== null && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${session.accessToken}`)
        return request
      },
    })
  }

  const setSession = (accessToken: string | null, refreshToken: string | null): void => {
    session.accessToken = accessToken
    session.refreshToken = refreshToken
    options.onSession?.({ ...session })
  }
  const keepTokens = (tokens: BearerTokens | undefined): BearerTokens | undefined => {
    if (bearer && tokens) setSession(tokens.access_token, tokens.refresh_token ?? null)
    return tokens
  }

  // The document names one backend, prefix and provider; every other one has the same schemas,
  // so a request goes to the configured path under the type of the documented one.
  const at = <Path extends keyof paths>(_documented: Path, actual: string): Path => actual as Path

  return {
    fetchClient,
    session,
    async login(username, password) {
      const answer = await fetchClient.POST(at('/auth/jwt/login', `${backend}/login`), {
        body: { username, password },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      return keepTokens(dataOf<BearerTokens | undefined>(answer))
    },
    async logout() {
      dataOf(await fetchClient.POST(at('/auth/jwt/logout', `${backend}/logout`)))
      setSession(null, null)
    },
    async logoutAll() {
      dataOf(await fetchClient.POST(at('/auth/jwt/logout-all', `${backend}/logout-all`)))
      setSession(null, null)
    },
    async refresh() {
      // A cookie client's refresh token travels in its own cookie, so the body is empty.
      const body = bearer ? { refresh_token: session.refreshToken ?? '' } : undefined
      const answer = await fetchClient.POST(at('/auth/jwt/refresh', `${backend}/refresh`), { body: body as { refresh_token: string } })
      return keepTokens(dataOf<BearerTokens | undefined>(answer))
    },
    async register(user) {
      return dataOf<User>(await fetchClient.POST(at('/auth/register', `${auth}/register`), { body: user }))
    },
    async forgotPassword(email) {
      dataOf(await fetchClient.POST(at('/auth/forgot-password', `${auth}/forgot-password`), { body: { email } }))
    },
    async resetPassword(token, password) {
      dataOf(await fetchClient.POST(at('/auth/reset-password', `${auth}/reset-password`), { body: { token, password } }))
    },
    async requestVerifyToken(email) {
      dataOf(await fetchClient.POST(at('/auth/request-verify-token', `${auth}/request-verify-token`), { body: { email } }))
    },
    async verify(token) {
      return dataOf<User>(await fetchClient.POST(at('/auth/verify', `${auth}/verify`), { body: { token } }))
    },
    async me() {
      return dataOf<User>(await fetchClient.GET(at('/users/me', `${usersPrefix}/me`)))
    },
    async updateMe(update) {
      return dataOf<User>(await fetchClient.PATCH(at('/users/me', `${usersPrefix}/me`), { body: update }))
    },
    async getUser(id) {
      return dataOf<User>(await fetchClient.GET(at('/users/{id}', `${usersPrefix}/{id}`), { params: { path: { id } } }))
    },
    async updateUser(id, update) {
      return dataOf<User>(await fetchClient.PATCH(at('/users/{id}', `${usersPrefix}/{id}`), { params: { path: { id } }, body: update }))
    },
    async deleteUser(id) {
      dataOf(await fetchClient.DELETE(at('/users/{id}', `${usersPrefix}/{id}`), { params: { path: { id } } }))
    },
    async oauthAccounts() {
      return dataOf<OAuthAccountLink[]>(await fetchClient.GET(at('/users/me/oauth-accounts', `${usersPrefix}/me/oauth-accounts`)))
    },
    async unlinkOAuthAccount(provider, accountId) {
      const path = at('/users/me/oauth-accounts/{provider}/{account_id}', `${usersPrefix}/me/oauth-accounts/{provider}/{account_id}`)
      dataOf(await fetchClient.DELETE(path, { params: { path: { provider, account_id: accountId } } }))
    },
    async oauthAuthorize(provider, { scopes, redirectTo, associate = false } = {}) {
      const query = { ...(scopes ? { scopes } : {}), ...(redirectTo === undefined ? {} : { redirect_to: redirectTo }) }
      const path = associate
        ? at('/auth/associate/github/authorize', `${auth}/associate/${encodeURIComponent(provider)}/authorize`)
        : at('/auth/github/authorize', `${auth}/${encodeURIComponent(provider)}/authorize`)
      return dataOf<components['schemas']['OAuth2AuthorizeResponse']>(await fetchClient.GET(path, { params: { query } })).authorization_url
    },
    async oauthCallback(provider, query) {
      const path = at('/auth/github/callback', `${auth}/${encodeURIComponent(provider)}/callback`)
      return keepTokens(dataOf<BearerTokens | undefined>(await fetchClient.GET(path, { params: { query: queryOf(query) } })))
    },
    async oauthAssociateCallback(provider, query) {
      const path = at('/auth/associate/github/callback', `${auth}/associate/${encodeURIComponent(provider)}/callback`)
      return dataOf<User>(await fetchClient.GET(path, { params: { query: queryOf(query) } }))
    },
  }
}

/** The body of a success, or the refusal as a {@link UsersClientError}. */
function dataOf<T = unknown>(answer: Answer): T {
  if (!answer.response.ok) throw new UsersClientError(answer.response, answer.error)
  return answer.data as T
}

/** A callback's query as a plain object; `forEach` rather than iteration, which a DOM-only lib lacks. */
function queryOf(query: URLSearchParams | Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {}
  new URLSearchParams(query).forEach((value, key) => {
    params[key] = value
  })
  return params
}
