import { api, describe, linkToken, show } from './common.js'

// The link's token is sent by script, never by the GET that opened the page: a mail scanner
// following the link does not verify the address.
const verifying = document.getElementById('verifying')
const verified = await api('POST', '/auth/verify', { token: linkToken() })
verifying.hidden = true
if (verified.ok) show(`${verified.body.email} is verified. Thank you!`)
else show(describe(verified.status, verified.body), 'error')
