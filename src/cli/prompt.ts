/**
 * Reading a password from the terminal without echoing it. On a terminal, stdin is put in raw
 * mode and read key by key, so nothing typed is written back; from a pipe, the first line is
 * the password (for scripts, which should rather use SUPERUSER_PASSWORD).
 */
import { createInterface } from 'node:readline'

export async function promptPassword(question: string): Promise<string> {
  const input = process.stdin
  process.stderr.write(question)
  if (!input.isTTY) {
    const lines = createInterface({ input })
    try {
      for await (const line of lines) return line
      return ''
    } finally {
      lines.close()
    }
  }
  return new Promise((resolve, reject) => {
    let password = ''
    input.setRawMode(true)
    input.resume()
    input.setEncoding('utf8')
    const done = (result: string | null) => {
      input.setRawMode(false)
      input.pause()
      input.off('data', onData)
      process.stderr.write('\n')
      if (result === null) reject(new Error('interrupted'))
      else resolve(result)
    }
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return done(password)
        if (char === '\u0003') return done(null)
        if (char === '\u007f' || char === '\b') password = password.slice(0, -1)
        else if (char >= ' ') password += char
      }
    }
    input.on('data', onData)
  })
}
