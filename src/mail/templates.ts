/**
 * The default mails, in text and HTML, in English and French. Each template receives what the
 * mail is about (the user, a link, the time and where a login came from) and returns the
 * subject and both bodies; the application replaces any of them through `MailerOptions`.
 * Values that come from users (addresses, user agents) are escaped in the HTML body.
 */
import type { UserRecord } from '../user.ts'

/** The mails the mailer sends. */
export type MailKind = 'verify' | 'resetPassword' | 'passwordChanged' | 'emailChanged' | 'newLogin'

export interface MailContext {
  user: UserRecord
  /** The application's name, as the mails sign. */
  appName: string
  /** `verify` and `resetPassword`: the link that carries the token. */
  link?: string
  /** `emailChanged`: the address the account had before (the mail goes there). */
  previousEmail?: string
  /** `newLogin`: the client's address and user agent, when known. */
  ip?: string
  userAgent?: string
  /** When it happened. */
  date: Date
  locale: string
}

export interface RenderedMail {
  subject: string
  text: string
  html: string
}

export type MailTemplate = (context: MailContext) => RenderedMail
export type MailTemplates = Record<MailKind, MailTemplate>

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

function html(paragraphs: string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
  if (link) body.splice(1, 0, `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`)
  return `<!doctype html>\n<html><body>\n${body.join('\n')}\n</body></html>\n`
}

function text(paragraphs: string[], link?: string): string {
  const parts = [...paragraphs]
  if (link !== undefined) parts.splice(1, 0, link)
  return `${parts.join('\n\n')}\n`
}

function render(subject: string, paragraphs: string[], link?: { href: string; label: string }): RenderedMail {
  return { subject, text: text(paragraphs, link?.href), html: html(paragraphs, link) }
}

function when(context: MailContext): string {
  return context.date.toLocaleString(context.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC'
}

function origin(context: MailContext, from: string, unknown: string): string {
  const parts = [context.ip, context.userAgent].filter((part): part is string => typeof part === 'string' && part !== '')
  return parts.length === 0 ? unknown : `${from} ${parts.join(', ')}`
}

const en: MailTemplates = {
  verify: (c) =>
    render(`Verify your email address for ${c.appName}`, ['Please confirm your email address by opening this link:', 'If you did not create an account, ignore this email.'], {
      href: c.link ?? '',
      label: 'Verify my email address',
    }),
  resetPassword: (c) =>
    render(
      `Reset your ${c.appName} password`,
      ['Someone asked to reset the password of your account. To choose a new one, open this link:', 'If it was not you, ignore this email: your password stays as it is.'],
      { href: c.link ?? '', label: 'Reset my password' },
    ),
  passwordChanged: (c) =>
    render(`Your ${c.appName} password was changed`, [
      `The password of your account ${c.user.email} was changed on ${when(c)}.`,
      'If it was not you, reset your password at once and contact us.',
    ]),
  emailChanged: (c) =>
    render(`The email address of your ${c.appName} account was changed`, [
      `The email address of your account was changed from ${c.previousEmail ?? ''} to ${c.user.email} on ${when(c)}.`,
      'If it was not you, contact us at once.',
    ]),
  newLogin: (c) =>
    render(`New login to your ${c.appName} account`, [
      `Your account ${c.user.email} was logged in to on ${when(c)}, ${origin(c, 'from', 'from an unknown place')}.`,
      'If it was not you, change your password at once.',
    ]),
}

const fr: MailTemplates = {
  verify: (c) =>
    render(`Confirmez votre adresse e-mail pour ${c.appName}`, ['Merci de confirmer votre adresse e-mail en ouvrant ce lien :', "Si vous n'avez pas créé de compte, ignorez ce message."], {
      href: c.link ?? '',
      label: 'Confirmer mon adresse',
    }),
  resetPassword: (c) =>
    render(
      `Réinitialisez votre mot de passe ${c.appName}`,
      ['Quelqu’un a demandé à réinitialiser le mot de passe de votre compte. Pour en choisir un nouveau, ouvrez ce lien :', "Si ce n'était pas vous, ignorez ce message : votre mot de passe ne change pas."],
      { href: c.link ?? '', label: 'Réinitialiser mon mot de passe' },
    ),
  passwordChanged: (c) =>
    render(`Votre mot de passe ${c.appName} a été changé`, [
      `Le mot de passe de votre compte ${c.user.email} a été changé le ${when(c)}.`,
      "Si ce n'était pas vous, réinitialisez votre mot de passe sans attendre et contactez-nous.",
    ]),
  emailChanged: (c) =>
    render(`L'adresse e-mail de votre compte ${c.appName} a été changée`, [
      `L'adresse de votre compte est passée de ${c.previousEmail ?? ''} à ${c.user.email} le ${when(c)}.`,
      "Si ce n'était pas vous, contactez-nous sans attendre.",
    ]),
  newLogin: (c) =>
    render(`Nouvelle connexion à votre compte ${c.appName}`, [
      `Une connexion à votre compte ${c.user.email} a eu lieu le ${when(c)}, ${origin(c, 'depuis', 'depuis un lieu inconnu')}.`,
      "Si ce n'était pas vous, changez votre mot de passe sans attendre.",
    ]),
}

/** The built-in templates of each locale; another locale falls back to English. */
export const DEFAULT_MAIL_TEMPLATES: Readonly<Record<string, MailTemplates>> = { en, fr }
