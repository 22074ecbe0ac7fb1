/**
 * An SMTP transport from a URL, through nodemailer, which is an optional peer dependency:
 * imported here only, when the application asks for SMTP.
 */
import { importOptional } from '../optional-dependency.ts'
import type { MailTransport } from './mailer.ts'

/**
 * A nodemailer SMTP transport for `smtp://user:password@host:587` or `smtps://…:465`.
 *
 * @example
 * ```ts
 * const transport = await smtpTransport(process.env.SMTP_URL!)
 * ```
 */
export async function smtpTransport(url: string): Promise<MailTransport> {
  const nodemailer = await importOptional('nodemailer', 'smtpTransport', () => import('nodemailer'))
  return nodemailer.createTransport(url)
}
