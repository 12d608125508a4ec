import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { InteractiveLog } from '../../../src/engine/store/sessionSchema';
import { lastLine, ROOT, useCliRig } from './cliRig';

const readLog = async (dir: string): Promise<InteractiveLog> => JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8')) as InteractiveLog;

describe('CLI: the run\'s conditions in the shipped bundles', function () {
  this.timeout(90_000);
  const rig = useCliRig();

  it('dist/cli.js records the engine and SDK versions it was built from; dist/extension.js carries the same', async () => {
    const r = await rig.run(['play', '--workspace', rig.work, '--cast', 'mara', '--script', await rig.script([{ say: 'One.' }])]);
    assert.equal(r.code, 0, r.stderr);
    const c = (await readLog(lastLine(r.stdout))).conditions!;
    const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const sdk = JSON.parse(await fs.readFile(path.join(ROOT, 'node_modules', '@anthropic-ai', 'sdk', 'package.json'), 'utf8')) as { version: string };
    assert.equal(c.engine_version, pkg.version);
    assert.equal(c.sdk_version, sdk.version);
    const ext = await fs.readFile(path.join(ROOT, 'dist', 'extension.js'), 'utf8');
    // The bundle renames identifiers: follow the conditions' fields to the constants they are built from.
    for (const [field, want] of [['engine_version', pkg.version], ['sdk_version', sdk.version]] as const) {
      const name = new RegExp(`\\b${field}: ([A-Za-z_$][\\w$]*),?\\n`).exec(ext)?.[1];
      assert.ok(name, `dist/extension.js builds ${field} from a constant`);
      assert.ok(new RegExp(`\\b${name.replace(/\$/g, '\\$')} = "${want.replace(/\./g, '\\.')}"`).test(ext), `dist/extension.js: ${field} is "${want}"`);
    }
  });

  it('carry-over keeps the session\'s depth and TTL, and --depth / --ttl change them', async () => {
    const first = await rig.run(['play', '--workspace', rig.work, '--cast', 'mara,ilse', '--depth', 'brief', '--ttl', '1h', '--script', await rig.script([{ say: 'One.' }])]);
    assert.equal(first.code, 0, first.stderr);
    const oldDir = lastLine(first.stdout);
    rig.api.enqueue({ text: '<summary>They met.</summary>' });
    const kept = await rig.run(['carry-over', oldDir, '--workspace', rig.work]);
    assert.equal(kept.code, 0, kept.stderr);
    const keptLog = await readLog(lastLine(kept.stdout));
    assert.equal(keptLog.conditions!.deliberation_depth, 'brief');
    assert.equal(keptLog.conditions!.cache_ttl, '1h');
    assert.match(JSON.parse(rig.api.requests.at(-1)!.raw).system.at(-1).cache_control.ttl, /1h/, 'the summary call used the session\'s TTL');

    rig.api.enqueue({ text: '<summary>Again.</summary>' });
    const changed = await rig.run(['carry-over', lastLine(kept.stdout), '--workspace', rig.work, '--depth', 'off', '--ttl', '5m']);
    assert.equal(changed.code, 0, changed.stderr);
    const changedLog = await readLog(lastLine(changed.stdout));
    assert.equal(changedLog.conditions!.deliberation_depth, 'off');
    assert.equal(changedLog.conditions!.cache_ttl, '5m');
    const from = await readLog(lastLine(kept.stdout));
    assert.ok(from.events.some((e) => e.type === 'condition-change' && e.changes.cache_ttl?.to === '5m'), 'the TTL change is an event where the summary call ran');
    assert.equal((await rig.run(['audit', rig.sessionsDir])).code, 0);
  });
});
