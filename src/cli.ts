// The headless CLI (SPEC section 7, a fixed contract other tools call): one file per command under src/cli/,
// this file only dispatches and turns known failures into one line on stderr.
import { EngineError } from './engine/cast/castState';
import { ScriptError } from './engine/session/playScript';
import { runCarryOver } from './cli/carryOverCommand';
import { runExport } from './cli/exportCommand';
import { runSite } from './cli/siteCommand';
import { terminalText, UsageError } from './cli/cliInput';
import { runPlay } from './cli/playCommand';
import { runAudit, runIndex, runRecover } from './cli/storeCommands';
import { runRun } from './cli/runCommand';
import { runStats } from './cli/statsCommand';
import { EXPORT_CARD_USAGE, runExportCard } from './cli/exportCardCommand';
import { IMPORT_CARD_USAGE, runImportCard } from './cli/importCardCommand';

const USAGE = `Usage: node dist/cli.js <command>
  play --workspace DIR --cast ID,ID,... --script FILE [--brief NAME] [--model ID] [--out DIR]
       [--max-tokens N] [--ttl 5m|1h] [--depth off|brief|full] [--prices FILE] [--budget USD] [--context-window N]
       [--warmth off|keep-warm|auto] [--keep-warm-minutes N] [--fallback-model ID]
  play --resume SESSION_DIR --script FILE [--workspace DIR] [--model ID] ...
  audit DIR      validate every session folder under DIR (exit 1 if any is invalid)
  recover DIR    finalise every unclosed session under DIR from its journal
  index DIR      regenerate DIR/index.json from the session folders
  carry-over SESSION_DIR [--workspace DIR] [--model ID] [--max-tokens N] [--ttl 5m|1h] [--depth off|brief|full]
                 summarise a closed session into a fresh one with the same cast; prints the new folder
  run EXPERIMENT.yaml [--out DIR] [--concurrency N] [--batch] [--dry-run] [--budget USD]
                 play a matrix of conditions × replicates (resumable); prints the experiment folder
  stats PATH [--json]
                 per condition and character: runs, turns, spoke, passed, led, words, cost, spread
  export SESSION_DIR [--out FILE]
                 the session as one self-contained HTML page (default SESSION_DIR/view.html); prints its path
  site SESSIONS_DIR [--out DIR]
                 a static site: index.html listing every session, a view.html per session (incremental)
  ${IMPORT_CARD_USAGE}
                 read character cards (PNG, JSON, CHARX) into DIR/characters; --into ID for a standalone lorebook
  ${EXPORT_CARD_USAGE}
                 write a character as a V3 card (default DIR/exports/ID.png)
Environment: ANTHROPIC_API_KEY (required for play), ANTHROPIC_BASE_URL, DIALOGUE_PRICES (JSON price overrides).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'play':
      return runPlay(rest);
    case 'audit':
      return runAudit(rest);
    case 'recover':
      return runRecover(rest);
    case 'index':
      return runIndex(rest);
    case 'carry-over':
      return runCarryOver(rest);
    case 'run':
      return runRun(rest);
    case 'stats':
      return runStats(rest);
    case 'export':
      return runExport(rest);
    case 'site':
      return runSite(rest);
    case 'import-card':
      return runImportCard(rest);
    case 'export-card':
      return runExportCard(rest);
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // One line for anything a user can meet (bad input, a busy folder, a file-system fault: ENOENT, EACCES,
    // ENOTDIR, ENOSPC ...); a stack only for what can only be a bug.
    const parseArgs = String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    const bug = !parseArgs && (err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError || err instanceof SyntaxError);
    const known = !bug && (err instanceof UsageError || err instanceof ScriptError || err instanceof EngineError || err instanceof Error);
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${known ? terminalText(message).replace(/\s*\n\s*/g, ' ') : (err as Error).stack ?? message}\n`);
    process.exitCode = 2;
  },
);
