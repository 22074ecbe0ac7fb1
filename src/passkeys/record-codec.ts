/**
 * The parts of a passkey record that databases without arrays or a device-type enum keep as
 * text: the transports as a JSON array, and the device type checked on the way back.
 */
import type { PasskeyRecord } from './store.ts'

/** The transports as stored: a JSON array of strings. */
export function formatTransports(transports: readonly string[]): string {
  return JSON.stringify(transports)
}

/** The stored transports; anything unreadable reads as none (they are only a hint). */
export function parseTransports(value: unknown): string[] {
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : []
  } catch {
    return []
  }
}

export function parseDeviceType(value: unknown): PasskeyRecord['deviceType'] {
  return value === 'multiDevice' ? 'multiDevice' : 'singleDevice'
}
