import { api, describe, onSubmit, show } from './common.js'
import { passkeysSupported, usePasskey } from './passkeys.js'

const error = new URLSearchParams(location.search).get('error')
if (error) show(describe(400, { detail: error }), 'error')

onSubmit(document.getElementById('form'), async ({ username, password }) => {
  const login = await api('POST', '/auth/cookie/login', { username, password }, { form: true })
  if (!login.ok) return show(describe(login.status, login.body), 'error')
  location.assign('/account')
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
    location.assign('/account')
  } finally {
    passkeyButton.disabled = false
  }
})
