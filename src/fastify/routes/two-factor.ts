/**
 * Two-factor management of the current user (opt-in, `twoFactor` option): `GET /` its status,
 * `POST /enrol` a new secret (URI and QR code), `POST /confirm` a first code (answers the
 * recovery codes, once), `POST /disable` and `POST /recovery-codes` with the current password.
 * The login side is two-factor-login.ts.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { TwoFactor } from '../../two-factor/two-factor.ts'
import { prepareScope, sendNull, type RoutesContext } from '../context.ts'
import { ErrorResponse, NullResponse, ValidationErrorResponse } from '../schemas.ts'
import {
  RecoveryCodesResponse,
  TwoFactorCodeBody,
  TwoFactorEnrolmentResponse,
  TwoFactorPasswordBody,
  TwoFactorStatusResponse,
} from './two-factor-schemas.ts'

export function twoFactorRoutes(context: RoutesContext, twoFactor: TwoFactor): FastifyPluginAsync {
  const security = context.backends.map((backend) => ({ [backend.name]: [] }))
  const refusals = { 401: ErrorResponse, 403: ErrorResponse }
  return async function twoFactorPlugin(app: FastifyInstance) {
    prepareScope(app, context)
    const common = { tags: ['2fa'], security }
    const onRequest = context.currentUser({ active: true })

    app.get('/', {
      schema: { ...common, operationId: '2fa:status', summary: 'Whether two-factor is on, and the recovery codes left', response: { 200: TwoFactorStatusResponse, ...refusals } },
      onRequest,
    }, async (request) => twoFactor.status(request.user))

    app.post('/enrol', {
      schema: { ...common, operationId: '2fa:enrol', summary: 'Start an enrolment: a new TOTP secret as a URI and a QR code', response: { 200: TwoFactorEnrolmentResponse, 400: ErrorResponse, ...refusals } },
      onRequest,
    }, async (request) => twoFactor.enrol(request.user))

    app.withTypeProvider<TypeBoxTypeProvider>().post('/confirm', {
      schema: {
        ...common,
        operationId: '2fa:confirm',
        summary: 'Turn two-factor on with a first code; answers the recovery codes, this once',
        body: TwoFactorCodeBody,
        response: { 200: RecoveryCodesResponse, 400: ErrorResponse, ...refusals, 422: ValidationErrorResponse, 429: ErrorResponse },
      },
      onRequest,
    }, async (request) => {
      const codes = await twoFactor.confirm(request.user, request.body.code)
      context.manager.audit.emit({ type: 'two_factor.enabled', user_id: request.user.id, data: {} }, request)
      return { recovery_codes: codes }
    })

    app.withTypeProvider<TypeBoxTypeProvider>().post('/disable', {
      schema: {
        ...common,
        operationId: '2fa:disable',
        summary: 'Turn two-factor off (the current password is required)',
        body: TwoFactorPasswordBody,
        response: { 200: NullResponse, 400: ErrorResponse, ...refusals, 422: ValidationErrorResponse },
      },
      onRequest,
    }, async (request, reply) => {
      await twoFactor.disable(request.user, request.body.password)
      context.manager.audit.emit({ type: 'two_factor.disabled', user_id: request.user.id, data: {} }, request)
      return sendNull(reply, 200)
    })

    app.withTypeProvider<TypeBoxTypeProvider>().post('/recovery-codes', {
      schema: {
        ...common,
        operationId: '2fa:recovery-codes',
        summary: 'Replace the recovery codes (the current password is required)',
        body: TwoFactorPasswordBody,
        response: { 200: RecoveryCodesResponse, 400: ErrorResponse, ...refusals, 422: ValidationErrorResponse },
      },
      onRequest,
    }, async (request) => ({
      recovery_codes: await twoFactor.regenerateRecoveryCodes(request.user, request.body.password),
    }))
  }
}
