/**
 * Mail for the account's life: the verification and reset links, and notices when the
 * password or the email address changes and, if asked, at each login. The mailer turns the
 * manager's lifecycle moments (src/hooks.ts) into messages and hands them to a transport:
 * nodemailer's (`smtpTransport`), or any object with nodemailer's `sendMail`.
 *
 * Links and notices carry nothing the attacker of a mailbox could not already see, and the
 * change notice goes to the previous address, where the owner still reads. A notice that fails
 * to send never fails the request that caused it; a link that fails does, as a hook would.
 */
import type { UserManagerHooks } from '../hooks.ts'
import type { UserRecord } from '../user.ts'
import { DEFAULT_MAIL_TEMPLATES, type MailContext, type MailKind, type MailTemplates } from './templates.ts'

/** One message, in nodemailer's terms. */
export interface MailMessage {
  from: string
  to: string
  subject: string
  text: string
  html: string
}

/** What sends a message: a nodemailer transporter, or the application's own. */
export interface MailTransport {
  sendMail(message: MailMessage): Promise<unknown>
}

export interface MailerOptions {
  transport: MailTransport
  /** The sender, `"Camelot" <no-reply@camelot.bt>`. */
  from: string
  /** The application's name, in subjects and bodies. */
  appName: string
  /** The pages of the front end that take the tokens, as links. */
  links: {
    verify(token: string): string
    resetPassword(token: string): string
  }
  /** A built-in locale (`en`, `fr`) or one per user (default `en`). */
  locale?: string | ((user: UserRecord) => string)
  /** Replaces built-in templates, for every locale. */
  templates?: Partial<MailTemplates>
  /** Which notices to send (default: password and email changes; not logins). */
  notices?: Partial<Record<'passwordChanged' | 'emailChanged' | 'newLogin', boolean>>
  /** Where a notice that failed to send is reported (default: a process warning). */
  onError?(error: unknown, kind: MailKind): void
}

/**
 * Sends the account mails.
 *
 * @example
 * ```ts
 * const mailer = new Mailer({
 *   transport: await smtpTransport(process.env.SMTP_URL!),
 *   from: '"Camelot" <no-reply@camelot.bt>',
 *   appName: 'Camelot',
 *   links: { verify: (t) => `https://camelot.bt/verify?token=${t}`, resetPassword: (t) => `https://camelot.bt/reset?token=${t}` },
 * })
 * const users = fastifyUsers({ db, backends, manager: { ...secrets, mailer } })
 * ```
 */
export class Mailer {
  readonly #options: MailerOptions

  constructor(options: MailerOptions) {
    this.#options = options
  }

  /** Renders and sends one mail of `kind` to `to`. */
  async send(kind: MailKind, to: string, context: Omit<MailContext, 'appName' | 'date' | 'locale'>): Promise<void> {
    const locale = typeof this.#options.locale === 'function' ? this.#options.locale(context.user) : (this.#options.locale ?? 'en')
    const template = this.#options.templates?.[kind] ?? (DEFAULT_MAIL_TEMPLATES[locale] ?? DEFAULT_MAIL_TEMPLATES['en']!)[kind]
    const rendered = template({ ...context, appName: this.#options.appName, date: new Date(), locale })
    await this.#options.transport.sendMail({ from: this.#options.from, to, ...rendered })
  }

  /** The notice that the address changed, sent to the previous address. */
  async emailChanged(user: UserRecord, previousEmail: string): Promise<void> {
    if (this.#options.notices?.emailChanged === false) return
    await this.#notice('emailChanged', previousEmail, { user, previousEmail })
  }

  /**
   * The manager's hooks with the mails added after the application's own: the links after
   * `onAfterRequestVerify` and `onAfterForgotPassword`, the notices after `onAfterUpdate`,
   * `onAfterResetPassword` and `onAfterLogin`.
   */
  withHooks<U extends UserRecord, R, Res>(hooks: UserManagerHooks<U, R, Res>): UserManagerHooks<U, R, Res> {
    const notices = { passwordChanged: true, emailChanged: true, newLogin: false, ...this.#options.notices }
    const { links } = this.#options
    return {
      ...hooks,
      onAfterRequestVerify: async (user, token, request) => {
        await hooks.onAfterRequestVerify?.(user, token, request)
        await this.send('verify', user.email, { user, link: links.verify(token) })
      },
      onAfterForgotPassword: async (user, token, request) => {
        await hooks.onAfterForgotPassword?.(user, token, request)
        await this.send('resetPassword', user.email, { user, link: links.resetPassword(token) })
      },
      onAfterResetPassword: async (user, request) => {
        await hooks.onAfterResetPassword?.(user, request)
        if (notices.passwordChanged) await this.#notice('passwordChanged', user.email, { user })
      },
      onAfterUpdate: async (user, updated, request) => {
        await hooks.onAfterUpdate?.(user, updated, request)
        if (notices.passwordChanged && updated.password === true) await this.#notice('passwordChanged', user.email, { user })
      },
      onAfterLogin: async (user, request, response) => {
        await hooks.onAfterLogin?.(user, request, response)
        if (notices.newLogin) await this.#notice('newLogin', user.email, { user, ...clientOf(request) })
      },
    }
  }

  async #notice(kind: MailKind, to: string, context: Omit<MailContext, 'appName' | 'date' | 'locale'>): Promise<void> {
    try {
      await this.send(kind, to, context)
    } catch (error) {
      if (this.#options.onError) this.#options.onError(error, kind)
      else process.emitWarning(`fastify-users: the ${kind} notice could not be sent: ${(error as Error).message}`)
    }
  }
}

/** The address and user agent of a Fastify request (or anything shaped like one). */
function clientOf(request: unknown): { ip?: string; userAgent?: string } {
  if (typeof request !== 'object' || request === null) return {}
  const { ip, headers } = request as { ip?: unknown; headers?: Record<string, unknown> }
  const agent = headers?.['user-agent']
  return {
    ...(typeof ip === 'string' ? { ip } : {}),
    ...(typeof agent === 'string' ? { userAgent: agent.slice(0, 200) } : {}),
  }
}
