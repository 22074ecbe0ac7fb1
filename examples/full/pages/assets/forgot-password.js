import { api, describe, onSubmit, show } from './common.js'

const form = document.getElementById('form')
onSubmit(form, async ({ email }) => {
  const sent = await api('POST', '/auth/forgot-password', { email })
  if (!sent.ok) return show(describe(sent.status, sent.body), 'error')
  // The same answer whether the account exists or not: no user enumeration.
  form.reset()
  show(`If an account uses ${email}, a link to choose a new password is on its way.`)
})
