/**
 * The API report of every entry point of package.json's `exports` (api/*.api.md), so that a
 * change to the public API shows in review. `--check` (in `npm test`) fails when a report
 * differs from what the code declares; without it the reports are rewritten (`npm run
 * api:update`). Declarations are emitted incrementally into .cache/api by tsconfig.api.json.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor'

const root = resolve(import.meta.dirname, '..')
const check = process.argv.includes('--check')
const packageJson = join(root, 'package.json')
const { exports } = JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { source: string }> }

execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.api.json')], { stdio: 'inherit' })

let failed = false
for (const [subpath, { source }] of Object.entries(exports)) {
  const name = subpath === '.' ? 'fastify-users' : `fastify-users-${subpath.slice(2)}`
  const declarations = join(root, '.cache/api/dts', source.replace(/^\.\/src\//, '').replace(/\.ts$/, '.d.ts'))
  const config = ExtractorConfig.prepare({
    configObjectFullPath: join(root, 'api', `${name}.json`),
    packageJsonFullPath: packageJson,
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: declarations,
      compiler: { tsconfigFilePath: join(root, 'tsconfig.api.json') },
      apiReport: {
        enabled: true,
        reportFileName: name,
        reportFolder: join(root, 'api'),
        reportTempFolder: join(root, '.cache/api/reports'),
        includeForgottenExports: false,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The report lists what the entry point exports; TSDoc style is not what it checks.
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        extractorMessageReporting: {
          'default': { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
          'ae-undocumented': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
        },
      },
    },
  })
  const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false, messageCallback: quiet })
  if (!result.succeeded) {
    failed = true
    console.error(`api/${name}.api.md ${result.apiReportChanged ? 'differs from the code: run `npm run api:update` and commit it' : 'could not be produced'}`)
  }
}
if (failed) process.exit(1)

/** Keeps the per-run chatter (analysis, versions) out of the test output; problems still print. */
function quiet(message: { logLevel: ExtractorLogLevel; handled: boolean }): void {
  if (message.logLevel === ExtractorLogLevel.Info || message.logLevel === ExtractorLogLevel.Verbose) message.handled = true
}
