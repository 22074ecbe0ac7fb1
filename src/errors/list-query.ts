import { FastifyUsersError } from './fastify-users-error.ts'

/**
 * 422 for a `GET /users` query parameter that passed the schema but means nothing: a cursor
 * this server did not hand out (or one of another sort), a date-time that is no instant. The
 * body has the shape of a validation error, as FastAPI answers a bad query parameter; `code`
 * is `LIST_USERS_INVALID_CURSOR` or `LIST_USERS_INVALID_DATETIME`.
 */
export class InvalidListQueryError extends FastifyUsersError {
  override readonly name = 'InvalidListQueryError'

  constructor(parameter: string) {
    const cursor = parameter === 'cursor'
    const detail = [{ type: cursor ? 'cursor_invalid' : 'datetime_parsing', loc: ['query', parameter], msg: cursor ? 'Invalid cursor' : 'Invalid datetime' }]
    super(422, detail, { code: cursor ? 'LIST_USERS_INVALID_CURSOR' : 'LIST_USERS_INVALID_DATETIME' })
  }
}
