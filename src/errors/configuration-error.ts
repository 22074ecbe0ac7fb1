/**
 * What goes wrong at start-up (a configuration, or a database the library cannot work with)
 * extends `ConfigurationError`; each such class lives beside the part it configures (jwt/,
 * db/, db/<adapter>/) and is exported by that part's entry point.
 */

/**
 * The base of the errors thrown while setting up (a key, a database URL, custom fields, a
 * database whose contents the library cannot serve), never in answer to a request. `code` is
 * stable, the same in every adapter for the same problem; the message says what to change.
 */
export class ConfigurationError extends Error {
  override readonly name: string = 'ConfigurationError'
  readonly code: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}
