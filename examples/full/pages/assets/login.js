import { api, describe, onSubmit, show } from './common.js'
import { passkeysSupported, usePasskey } from './passkeys.js'

const error = new URLSearchParams(location.search).get('error')
if (error) show(describe(400, { detail: error }), 'error')

const form = document.getElementById('form')
const twoFactor = document.getElementById('two-factor')
const codeForm = document.getElementById('code-form')
const others = document.querySelectorAll('.oauth')
// The challenge of a login that needs a second factor; only this page's memory holds it.
let challenge = null

/**
 * A login's answer: 202 TWO_FACTOR_REQUIRED (a password, or a passkey without user
 * verification, for a user with two-factor on) asks for a code first; any other success is a
 * session.
 */
function finish(login) {
  if (login.status === 202 && login.body?.detail === 'TWO_FACTOR_REQUIRED') return askForCode(login.body.challenge_token)
  location.assign('/account')
}

function askForCode(token) {
  challenge = token
  form.hidden = true
  for (const section of others) section.hidden = true
  twoFactor.hidden = false
  show('One more step: enter a code from your authenticator app.')
  document.getElementById('code').focus()
}

function restart() {
  challenge = null
  codeForm.reset()
  twoFactor.hidden = true
  form.hidden = false
  for (const section of others) section.hidden = false
  document.getElementById('password').value = ''
  document.getElementById('identifier').focus()
}

// An OAuth login that needs a second factor arrives with its challenge in the fragment; it
// leaves the address bar, so that a reload or a shared link cannot carry it.
const pending = new URLSearchParams(location.hash.slice(1)).get('two_factor_challenge')
if (pending !== null) {
  history.replaceState(null, '', location.pathname)
  askForCode(pending)
}

onSubmit(form, async ({ username, password }) => {
  const login = await api('POST', '/auth/cookie/login', { username, password }, { form: true })
  if (!login.ok) return show(describe(login.status, login.body), 'error')
  finish(login)
})

onSubmit(codeForm, async ({ code }) => {
  const verified = await api('POST', '/auth/cookie/2fa/verify', { challenge_token: challenge, code: code.trim() })
  if (verified.ok) return location.assign('/account')
  show(describe(verified.status, verified.body), 'error')
  // A challenge that expired or was used cannot take another code: the login starts over.
  if (verified.body?.detail === 'TWO_FACTOR_BAD_CHALLENGE') restart()
  else codeForm.reset()
})

document.getElementById('restart').addEventListener('click', () => {
  restart()
  document.getElementById('status').hidden = true
})

for (const button of document.querySelectorAll('[data-oauth]')) {
  button.addEventListener('click', async () => {
    button.disabled = true
    const started = await api('GET', `/auth/cookie/${button.dataset.oauth}/authorize`)
    if (!started.ok) {
      button.disabled = false
      return show(describe(started.status, started.body), 'error')
    }
    location.assign(started.body.authorization_url)
  })
}

const passkeyButton = document.getElementById('passkey-login')
if (passkeyButton && !passkeysSupported) passkeyButton.hidden = true
passkeyButton?.addEventListener('click', async () => {
  passkeyButton.disabled = true
  try {
    const options = await api('POST', '/auth/passkey/login/options')
    if (!options.ok) return show(describe(options.status, options.body), 'error')
    const credential = await usePasskey(options.body.public_key)
    if (credential === null) return show('No passkey was used.', 'error')
    const login = await api('POST', '/auth/cookie/passkey/login', { challenge_token: options.body.challenge_token, credential })
    if (login.status === 400 && login.body?.detail === 'LOGIN_BAD_CREDENTIALS') return show('This passkey was not accepted.', 'error')
    if (!login.ok) return show(describe(login.status, login.body), 'error')
    finish(login)
  } finally {
    passkeyButton.disabled = false
  }
})
