// The browser side of passkeys: the server's options (WebAuthn's JSON form) into
// navigator.credentials, and the authenticator's answer back to JSON for the server.

const decode = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
const encode = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

// Browsers without WebAuthn's JSON helpers (parseCreationOptionsFromJSON, toJSON) get these.
function creationOptions(json) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json)
  return {
    ...json,
    challenge: decode(json.challenge),
    user: { ...json.user, id: decode(json.user.id) },
    excludeCredentials: (json.excludeCredentials ?? []).map((c) => ({ ...c, id: decode(c.id) })),
  }
}

function requestOptions(json) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json)
  return { ...json, challenge: decode(json.challenge), allowCredentials: (json.allowCredentials ?? []).map((c) => ({ ...c, id: decode(c.id) })) }
}

function toJSON(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON()
  const r = credential.response
  const response = r.attestationObject
    ? { clientDataJSON: encode(r.clientDataJSON), attestationObject: encode(r.attestationObject), transports: r.getTransports?.() ?? [] }
    : { clientDataJSON: encode(r.clientDataJSON), authenticatorData: encode(r.authenticatorData), signature: encode(r.signature), userHandle: r.userHandle ? encode(r.userHandle) : null }
  return { id: credential.id, rawId: encode(credential.rawId), type: credential.type, response, clientExtensionResults: {} }
}

/** Whether this browser can use passkeys at all. */
export const passkeysSupported = typeof window.PublicKeyCredential === 'function'

/** Creates a passkey with the registration options; `null` when the person cancels. */
export async function createPasskey(options) {
  try {
    return toJSON(await navigator.credentials.create({ publicKey: creationOptions(options) }))
  } catch (error) {
    if (error.name === 'NotAllowedError' || error.name === 'AbortError') return null
    throw error
  }
}

/** Signs the login challenge with a passkey the authenticator offers; `null` when the person cancels. */
export async function usePasskey(options) {
  try {
    return toJSON(await navigator.credentials.get({ publicKey: requestOptions(options) }))
  } catch (error) {
    if (error.name === 'NotAllowedError' || error.name === 'AbortError') return null
    throw error
  }
}
