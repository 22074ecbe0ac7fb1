import { api, describe, onSubmit, show } from './common.js'

async function load() {
  const me = await api('GET', '/users/me')
  if (me.status === 401) {
    // An OAuth callback that was refused lands here with ?error=; the login page tells why.
    const error = new URLSearchParams(location.search).get('error')
    location.replace(error ? `/login?error=${encodeURIComponent(error)}` : '/login')
    return null
  }
  if (!me.ok) {
    show(describe(me.status, me.body), 'error')
    return null
  }
  render(me.body)
  return me.body
}

function render(user) {
  document.getElementById('current-email').textContent = user.email
  document.getElementById('verified-state').textContent = user.is_verified ? 'Your email is verified.' : 'Your email is not verified yet.'
  document.getElementById('send-verification').hidden = user.is_verified
  document.getElementById('who').hidden = false
}

let user = await load()

document.getElementById('send-verification').addEventListener('click', async () => {
  const sent = await api('POST', '/auth/request-verify-token', { email: user.email })
  if (!sent.ok) return show(describe(sent.status, sent.body), 'error')
  show(`A verification link is on its way to ${user.email}.`)
})

const emailForm = document.getElementById('email-form')
onSubmit(emailForm, async (changes) => {
  const updated = await api('PATCH', '/users/me', changes)
  if (!updated.ok) return show(describe(updated.status, updated.body), 'error')
  user = updated.body
  render(user)
  emailForm.reset()
  show(`Your email is now ${user.email}.`)
})

const passwordForm = document.getElementById('password-form')
onSubmit(passwordForm, async (changes) => {
  const updated = await api('PATCH', '/users/me', changes)
  if (!updated.ok) return show(describe(updated.status, updated.body), 'error')
  passwordForm.reset()
  show('Your password is changed.')
})

for (const [id, path] of [['logout', '/auth/cookie/logout'], ['logout-all', '/auth/cookie/logout-all']]) {
  document.getElementById(id).addEventListener('click', async () => {
    const done = await api('POST', path)
    if (!done.ok && done.status !== 401) return show(describe(done.status, done.body), 'error')
    location.assign('/login')
  })
}
