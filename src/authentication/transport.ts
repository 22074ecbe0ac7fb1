/**
 * A transport moves a token in and out of HTTP messages, and nothing else (CONTRACT §6). It
 * reads from a plain view of the request and describes its responses as data, so the core
 * stays free of any web framework.
 */

/** What a transport may read of a request. */
export interface TokenCarrier {
  headers: Record<string, string | string[] | undefined>
}

/** A response for the HTTP layer to send: status, JSON body (none for 204), Set-Cookie values. */
export interface TransportResponse {
  statusCode: number
  body?: unknown
  setCookies?: string[]
}

/** The OpenAPI security scheme object describing how the token travels. */
export type SecurityScheme =
  | { type: 'oauth2'; flows: { password: { tokenUrl: string; scopes: Record<string, string> } } }
  | { type: 'apiKey'; in: 'header' | 'query' | 'cookie'; name: string; description?: string }
  | { type: 'http'; scheme: string; bearerFormat?: string; description?: string }

export interface Transport {
  /**
   * Whether the token travels in a cookie, which a browser attaches on its own: such requests
   * get the cross-site check (src/security/cross-site.ts), and refresh tokens a cookie too.
   */
  readonly travelsInCookie: boolean
  /** The token this request carries, or `null`; never throws for a malformed request. */
  readToken(request: TokenCarrier): string | null
  loginResponse(token: string): TransportResponse
  /** `null` when the transport has nothing to say at logout (the route answers 204). */
  logoutResponse(): TransportResponse | null
  securityScheme(): SecurityScheme
}
