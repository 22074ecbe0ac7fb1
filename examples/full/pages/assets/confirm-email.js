import { api, describe, linkToken, show } from './common.js'

// As on /verify, the token goes by script, never by the GET that opened the page: a mail
// scanner following the link does not change the address.
const confirming = document.getElementById('confirming')
const confirmed = await api('POST', '/auth/email-change/confirm', { token: linkToken() })
confirming.hidden = true
if (confirmed.ok) show(`Your email is now ${confirmed.body.email}, and it is verified.`)
else show(describe(confirmed.status, confirmed.body), 'error')
