/**
 * A file mail outbox for development: every token the server would mail is appended to a file
 * as one JSON line `{"event", "email", "token"}`. The conformance suite reads it.
 */
import { appendFile } from 'node:fs/promises'

export type OutboxEvent = 'forgot_password' | 'request_verify' | 'email_change'

export function fileOutbox(path: string) {
  return (event: OutboxEvent, email: string, token: string): Promise<void> =>
    appendFile(path, `${JSON.stringify({ event, email, token })}\n`)
}
