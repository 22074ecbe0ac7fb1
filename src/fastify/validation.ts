/**
 * Request validation for the routes of fastify-users, set per plugin so that an application's
 * own routes keep Fastify's defaults.
 *
 * Differences from Fastify's default Ajv, each on purpose:
 * - no type coercion: `{"is_active": null}` must be a 422, not a silent `false` (a
 *   deactivation), and `{"email": null}` not an empty string (CONTRACT, deliberate difference 1);
 * - unknown body keys are dropped, as pydantic ignores them, so no handler ever sees a field
 *   its schema does not declare (no mass assignment);
 * - the `x-email-address` keyword validates an address the way FastAPI Users' `EmailStr` does and
 *   normalizes it in place (domain lower-cased, display-name form reduced to the address).
 */
import { Ajv } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'
import { normalizeEmail } from '../email.ts'

// An `x-` name: OpenAPI 3.0 admits only those beside its own keywords, and the route schemas
// are the OpenAPI document's.
export const EMAIL_KEYWORD = 'x-email-address'

function createAjv(): Ajv {
  const ajv = new Ajv({
    coerceTypes: false,
    removeAdditional: 'all',
    useDefaults: false,
    allErrors: false,
    strict: false,
    // `format` only documents; `x-email-address` does the checking.
    validateFormats: false,
  })
  ajv.addKeyword({
    keyword: EMAIL_KEYWORD,
    type: 'string',
    modifying: true,
    errors: false,
    validate: (_enabled: boolean, data: string, _schema?: unknown, context?: { parentData: Record<string | number, unknown>; parentDataProperty: string | number }) => {
      const email = normalizeEmail(data)
      if (email === null || !context) return false
      context.parentData[context.parentDataProperty] = email
      return true
    },
  })
  return ajv
}

const ajv = createAjv()

/** Fastify validator compiler over the shared Ajv instance above. */
export const validatorCompiler: FastifySchemaCompiler<Record<string, unknown>> = ({ schema }) => {
  const validate = ajv.compile(schema)
  // Fastify wraps the errors into an error whose `validation` the error handler turns into a 422.
  return (data: unknown) => (validate(data) ? { value: data } : { error: validate.errors ?? [] })
}
