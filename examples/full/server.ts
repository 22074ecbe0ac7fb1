/** `npm start`: the full example on the embedded SQLite default, configured by environment. */
import { runServer } from './run.ts'

await runServer()
