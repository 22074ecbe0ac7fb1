// What every page shares: calls to the library's routes (same origin, so the browser sends the
// HttpOnly auth cookie and an Origin header the CSRF check accepts), and one status line.

const MESSAGES = {
  REGISTER_USER_ALREADY_EXISTS: 'An account with this email already exists.',
  REGISTER_INVALID_PASSWORD: 'This password is too weak.',
  LOGIN_BAD_CREDENTIALS: 'Wrong email or password.',
  LOGIN_USER_NOT_VERIFIED: 'Verify your email before logging in.',
  LOGIN_USER_BANNED: 'This account is banned.',
  RESET_PASSWORD_BAD_TOKEN: 'This reset link is invalid or has expired. Ask for a new one.',
  RESET_PASSWORD_INVALID_PASSWORD: 'This password is too weak.',
  VERIFY_USER_BAD_TOKEN: 'This verification link is invalid or has expired.',
  VERIFY_USER_ALREADY_VERIFIED: 'Your email is already verified.',
  UPDATE_USER_EMAIL_ALREADY_EXISTS: 'Another account uses this email.',
  UPDATE_USER_INVALID_PASSWORD: 'This password cannot be used.',
  EMAIL_CHANGE_BAD_TOKEN: 'This confirmation link is invalid, used or expired. Change your email again for a new one.',
  OAUTH_USER_ALREADY_EXISTS: 'An account with this email exists: log in with your password.',
  OAUTH_NOT_AVAILABLE_EMAIL: 'The provider did not share an email address.',
  OAUTH_INVALID_STATE: 'The sign-in took too long or was tampered with. Try again.',
  TOO_MANY_REQUESTS: 'Too many attempts. Wait a moment and try again.',
  PASSKEY_BAD_CHALLENGE: 'The passkey request took too long. Try again.',
  PASSKEY_REGISTRATION_FAILED: 'This passkey could not be verified.',
  PASSKEY_ALREADY_REGISTERED: 'This passkey is registered already.',
  PASSKEY_LIMIT_REACHED: 'You have as many passkeys as an account may have.',
  TWO_FACTOR_BAD_CODE: 'This code is not right, or was used already. Try the next one.',
  TWO_FACTOR_BAD_CHALLENGE: 'The login took too long. Log in again.',
}

/** A human sentence for an error answer of the API. */
export function describe(status, body) {
  const detail = body && body.detail
  const code = typeof detail === 'string' ? detail : detail && detail.code
  // A refused password comes with the reason, which says more than the code.
  const reason = detail && typeof detail === 'object' && typeof detail.reason === 'string' && detail.reason
  if (reason) return /[.!?]$/.test(reason) ? reason : `${reason}.`
  if (code && MESSAGES[code]) return MESSAGES[code]
  if (status === 422) return 'Check the fields and try again.'
  if (status === 429) return MESSAGES.TOO_MANY_REQUESTS
  if (status === 403) return 'This request was refused.'
  return 'Something went wrong. Try again later.'
}

/** Calls the API: a JSON body, or a form body for the OAuth2 password login. */
export async function api(method, path, body, { form = false } = {}) {
  const init = { method, headers: { accept: 'application/json' }, credentials: 'same-origin' }
  if (body !== undefined) {
    init.headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json'
    init.body = form ? new URLSearchParams(body).toString() : JSON.stringify(body)
  }
  let response
  try {
    response = await fetch(path, init)
  } catch {
    return { ok: false, status: 0, body: null }
  }
  const text = await response.text()
  let parsed = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = null
  }
  return { ok: response.ok, status: response.status, body: parsed }
}

/** Shows a message in the page's live region (read out by screen readers). */
export function show(message, kind = 'ok') {
  const status = document.getElementById('status')
  status.textContent = message
  status.className = kind
  status.hidden = false
}

/** A form's fields as an object. */
export function fields(form) {
  return Object.fromEntries(new FormData(form).entries())
}

/** Runs `submit` on the form's submission, with its button disabled meanwhile. */
export function onSubmit(form, submit) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (!form.reportValidity()) return
    const button = form.querySelector('button[type="submit"]')
    button.disabled = true
    try {
      await submit(fields(form))
    } finally {
      button.disabled = false
    }
  })
}

/** The `token` of the mailed link this page was opened from. */
export function linkToken() {
  return new URLSearchParams(location.search).get('token') ?? ''
}
