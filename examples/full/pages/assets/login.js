import { api, describe, onSubmit, show } from './common.js'

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
