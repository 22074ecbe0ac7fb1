import { api, describe, onSubmit, show } from './common.js'

const form = document.getElementById('form')
onSubmit(form, async ({ email, password }) => {
  const registered = await api('POST', '/auth/register', { email, password })
  if (!registered.ok) return show(describe(registered.status, registered.body), 'error')
  // The verification link is mailed now; the account can log in meanwhile.
  await api('POST', '/auth/request-verify-token', { email })
  form.reset()
  show(`Account created. We sent a verification link to ${email}; you can log in now.`)
})
