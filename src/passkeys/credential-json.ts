/**
 * The authenticator's answers as browsers serialize them (`PublicKeyCredential.toJSON()`,
 * WebAuthn level 3), binary fields in base64url. Only what verification reads is declared.
 */

/** The answer to `navigator.credentials.create()`. */
export interface PasskeyRegistrationCredential {
  id: string
  rawId: string
  type: string
  response: {
    clientDataJSON: string
    attestationObject: string
    transports?: string[]
  }
}

/** The answer to `navigator.credentials.get()`. */
export interface PasskeyAuthenticationCredential {
  id: string
  rawId: string
  type: string
  response: {
    clientDataJSON: string
    authenticatorData: string
    signature: string
    userHandle?: string | null
  }
}

const TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const

export type Transport = (typeof TRANSPORTS)[number]

/** The transports WebAuthn knows, in the order given; others (a future browser's) are dropped. */
export function knownTransports(values: readonly string[] | undefined): Transport[] {
  const known: Transport[] = []
  for (const value of values ?? []) {
    const transport = TRANSPORTS.find((candidate) => candidate === value)
    if (transport !== undefined && !known.includes(transport)) known.push(transport)
  }
  return known
}
