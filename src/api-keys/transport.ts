/**
 * Where an API key travels: the `X-API-Key` header, or `Authorization: Bearer fuk_…`. The
 * bearer form is read only when the token has the key prefix, so a JWT or opaque bearer token
 * stays the business of the other backends, and a key is never offered to them first.
 */
import { BearerTransport } from '../authentication/transports/bearer.ts'
import type { SecurityScheme, TokenCarrier, Transport, TransportResponse } from '../authentication/transport.ts'
import { API_KEY_PREFIX } from './key-format.ts'

export const API_KEY_HEADER = 'x-api-key'

const bearer = new BearerTransport({ tokenUrl: '' })

/**
 * @example
 * const transport = new ApiKeyTransport()
 * transport.readToken({ headers: { 'x-api-key': 'fuk_…' } }) // 'fuk_…'
 */
export class ApiKeyTransport implements Transport {
  readonly travelsInCookie = false

  readToken(request: TokenCarrier): string | null {
    const header = request.headers[API_KEY_HEADER]
    if (typeof header === 'string') return header.trim() === '' ? null : header.trim()
    const token = bearer.readToken(request)
    return token !== null && token.startsWith(API_KEY_PREFIX) ? token : null
  }

  loginResponse(): TransportResponse {
    throw new TypeError('API keys are created at POST /users/me/api-keys, never by a login')
  }

  logoutResponse(): null {
    return null
  }

  /**
   * The `X-API-Key` header, for `components.securitySchemes` (under the backend's name,
   * `api_key`). OpenAPI gives a scheme one place only, so the bearer form has its own scheme.
   */
  securityScheme(): SecurityScheme {
    return {
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
      description: 'An API key (`fuk_…`, from `POST /users/me/api-keys`); also accepted as `Authorization: Bearer fuk_…` (the `api_key_bearer` scheme)',
    }
  }

  /**
   * The bearer form of a key, `Authorization: Bearer fuk_…`, as its own scheme
   * (`api_key_bearer`), beside the one of `securityScheme`.
   *
   * @example
   * const schemes = { api_key: transport.securityScheme(), api_key_bearer: transport.bearerSecurityScheme() }
   */
  bearerSecurityScheme(): SecurityScheme {
    return { type: 'http', scheme: 'bearer', bearerFormat: 'fuk_<id>_<secret>', description: 'An API key sent as `Authorization: Bearer fuk_…`' }
  }
}
