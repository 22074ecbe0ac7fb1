/**
 * The mailer through a real SMTP conversation: nodemailer's transport (smtpTransport) sends to
 * an smtp-server this test starts on a free local port, and the tests read the delivered
 * messages: recipient, subject, both bodies, the link with its token, and the escaping of
 * user-supplied text in the HTML body.
 */
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Mailer, smtpTransport, type MailTransport } from '../src/index.ts'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../examples/full/app.ts'
import { readConfig } from '../examples/full/config.ts'
import { buildTestApp, form, uniqueEmail, type TestApp } from './support/app.ts'
import { freePort } from './support/free-port.ts'

interface Delivered {
  from: string
  to: string[]
  raw: string
}

/** A message's decoded parts: quoted-printable soft breaks and escapes undone. */
function decoded(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

function subjectOf(raw: string): string {
  return /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? ''
}

describe('mailer over SMTP', () => {
  const delivered: Delivered[] = []
  let server: SMTPServer
  let transport: MailTransport
  let test: TestApp
  let smtpPort = 0

  const waitForMail = async (count: number): Promise<Delivered[]> => {
    const deadline = Date.now() + 5000
    while (delivered.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    return delivered
  }

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          delivered.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw: decoded(Buffer.concat(chunks).toString('utf8')),
          })
          callback()
        })
      },
    })
    smtpPort = await freePort()
    await new Promise<void>((resolve) => server.listen(smtpPort, '127.0.0.1', resolve))
    transport = await smtpTransport(`smtp://127.0.0.1:${smtpPort}?ignoreTLS=true`)
    const mailer = new Mailer({
      transport,
      from: '"Camelot" <no-reply@camelot.bt>',
      appName: 'Camelot',
      links: {
        verify: (token) => `https://camelot.bt/verify?token=${token}`,
        resetPassword: (token) => `https://camelot.bt/reset?token=${token}`,
      },
      locale: (user) => (String(user.email).startsWith('fr-') ? 'fr' : 'en'),
      notices: { newLogin: true },
    })
    test = await buildTestApp({ manager: { mailer } })
  })

  afterAll(async () => {
    await test.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  beforeEach(() => {
    delivered.length = 0
  })

  it('mails the reset link, in text and HTML, to the user', async () => {
    const { user } = await test.createUser()
    const response = await test.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email: user.email } })
    expect(response.statusCode).toBe(202)
    const token = String((await test.waitForHook('onAfterForgotPassword')).args[1])
    const [mail] = await waitForMail(1)
    expect(mail).toMatchObject({ from: 'no-reply@camelot.bt', to: [user.email] })
    expect(subjectOf(mail!.raw)).toBe('Reset your Camelot password')
    expect(mail!.raw).toContain('Content-Type: text/plain')
    expect(mail!.raw).toContain('Content-Type: text/html')
    expect(mail!.raw).toContain(`https://camelot.bt/reset?token=${token}`)
    expect(mail!.raw).toContain(`<a href="https://camelot.bt/reset?token=${token}">Reset my password</a>`)
  })

  it('mails the verification link in the user\'s locale', async () => {
    const { user } = await test.createUser({ email: uniqueEmail('fr-user'), is_verified: false })
    await test.app.inject({ method: 'POST', url: '/auth/request-verify-token', payload: { email: user.email } })
    const token = String((await test.waitForHook('onAfterRequestVerify')).args[1])
    const [mail] = await waitForMail(1)
    expect(mail!.to).toEqual([user.email])
    expect(mail!.raw).toContain(`https://camelot.bt/verify?token=${token}`)
    expect(mail!.raw).toContain('Confirmer mon adresse')
  })

  it('notices a password change, an email change (at the previous address) and a login', async () => {
    const { user, password, token } = await test.createUser()
    const auth = { authorization: `Bearer ${token}` }
    await test.app.inject({ method: 'PATCH', url: '/users/me', headers: auth, payload: { password: 'another long password' } })
    const [changed] = await waitForMail(1)
    expect(changed!.to).toEqual([user.email])
    expect(subjectOf(changed!.raw)).toBe('Your Camelot password was changed')

    const newEmail = uniqueEmail('moved')
    await test.app.inject({ method: 'PATCH', url: '/users/me', headers: auth, payload: { email: newEmail } })
    const moved = (await waitForMail(2))[1]
    expect(moved!.to).toEqual([user.email])
    expect(moved!.raw).toContain(`from ${user.email} to ${newEmail}`)

    const credentials = form({ username: newEmail, password: 'another long password' })
    const login = await test.app.inject({
      method: 'POST',
      url: '/auth/jwt/login',
      body: credentials.body,
      headers: { ...credentials.headers, 'user-agent': '<script>alert(1)</script>' },
    })
    expect(login.statusCode).toBe(200)
    expect(password).not.toBe('another long password')
    const notice = (await waitForMail(3))[2]
    expect(notice!.to).toEqual([newEmail])
    expect(subjectOf(notice!.raw)).toBe('New login to your Camelot account')
    expect(notice!.raw).toContain('&#60;script&#62;alert(1)&#60;/script&#62;')
    expect(notice!.raw).not.toContain('<p>Your account ' + newEmail + ' was logged in to on <script>')
  })

  it('a notice that cannot be sent does not fail the request', async () => {
    const errors: string[] = []
    const broken = new Mailer({
      transport: { sendMail: () => Promise.reject(new Error('SMTP is down')) },
      from: 'no-reply@camelot.bt',
      appName: 'Camelot',
      links: { verify: (t) => t, resetPassword: (t) => t },
      notices: { newLogin: true },
      onError: (error, kind) => errors.push(`${kind}: ${(error as Error).message}`),
    })
    const other = await buildTestApp({ manager: { mailer: broken } })
    try {
      const { user, password } = await other.createUser()
      await other.login(user.email, password)
      expect(errors).toEqual(['newLogin: SMTP is down'])
    } finally {
      await other.close()
    }
  })

  it('the example mails through SMTP_URL, with links to APP_URL', async () => {
    const config = readConfig(
      {
        DATABASE_URL: `sqlite://${join(mkdtempSync(join(tmpdir(), 'fu-mail-')), 'users.db')}`,
        SECRET: 'a-test-secret-of-at-least-32-characters',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}?ignoreTLS=true`,
        MAIL_FROM: 'Example <mail@example.com>',
        APP_URL: 'https://app.example.com/',
      },
      () => {},
    )
    const app = await buildApp(config)
    try {
      const email = uniqueEmail('example')
      const registered = await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 'a long enough password' } })
      expect(registered.statusCode).toBe(201)
      await app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email } })
      const [mail] = await waitForMail(1)
      expect(mail).toMatchObject({ from: 'mail@example.com', to: [email] })
      expect(mail!.raw).toMatch(/https:\/\/app\.example\.com\/reset-password\?token=[\w.-]+/)
    } finally {
      await app.close()
    }
  })
})
