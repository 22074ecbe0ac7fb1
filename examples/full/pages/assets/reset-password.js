import { api, describe, linkToken, onSubmit, show } from './common.js'

const form = document.getElementById('form')
const token = linkToken()
if (!token) show(describe(400, { detail: 'RESET_PASSWORD_BAD_TOKEN' }), 'error')
onSubmit(form, async ({ password }) => {
  const reset = await api('POST', '/auth/reset-password', { token, password })
  if (!reset.ok) return show(describe(reset.status, reset.body), 'error')
  form.hidden = true
  show('Your password is changed. You can log in with it now.')
})
