import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { historyFromJson } from '../helpers/history-json';

const historiesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'histories');

/** Each recorded file's workflow type, from its name (record-histories.ts names them). */
function expectedType(file: string): string {
  if (file.startsWith('group-preview')) return 'groupPreviewWorkflow';
  if (file.includes('.child-') || file.startsWith('group-')) return 'groupSyncWorkflow';
  if (file.startsWith('recipient-')) return 'recipientSyncWorkflow';
  if (file.startsWith('import-')) return 'importUsersWorkflow';
  if (file.startsWith('workspace-')) return 'workspaceSyncWorkflow';
  if (file.startsWith('ping')) return 'pingWorkflow';
  if (file.startsWith('retention')) return 'retentionWorkflow';
  throw new Error(`${file}: no workflow type is known for this name`);
}

const EVERY_WORKFLOW = [
  'groupSyncWorkflow',
  'groupPreviewWorkflow',
  'recipientSyncWorkflow',
  'importUsersWorkflow',
  'workspaceSyncWorkflow',
  'pingWorkflow',
  'retentionWorkflow',
];

function loadHistories(label: string) {
  return readdirSync(path.join(historiesDir, label))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = historyFromJson(readFileSync(path.join(historiesDir, label, file), 'utf8'));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      return {
        file,
        history,
        workflowType: started?.workflowType?.name,
        events: history.events?.length ?? 0,
      };
    });
}

async function replay(histories: ReturnType<typeof loadHistories>) {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
  const results = new Map<string, Error | undefined>();
  const replays = Worker.runReplayHistories(
    { workflowBundle: { codePath: inject('workflowBundlePath') } },
    histories.map((h) => ({ workflowId: h.file, history: h.history })),
  );
  for await (const result of replays) results.set(result.workflowId, result.error);
  return results;
}

// One folder per code version that recorded them: `9d3e79f` is the code before workspace-sync
// shared the run lifecycle (what may still be running), `34497ff` the code before a hold had a
// timeout (patch `hold-timeout`), `current` the code of this commit.
const labels = readdirSync(historiesDir).sort();

describe('recorded workflow histories', () => {
  it('when the histories folder is read, then both the old code and the current code recorded some', () => {
    expect(labels).toEqual(expect.arrayContaining(['9d3e79f', '34497ff', 'current']));
  });

  for (const label of labels) {
    it(`when the histories of ${label} replay against the current workflow bundle, then every workflow type replays without a nondeterminism error`, async () => {
      const histories = loadHistories(label);
      const types = new Set(histories.map((h) => h.workflowType));
      // The current code recorded every workflow; older code only those it had (no preview yet).
      if (label === 'current') expect(types).toEqual(new Set(EVERY_WORKFLOW));
      else expect(EVERY_WORKFLOW).toEqual(expect.arrayContaining([...types]));
      for (const h of histories) {
        expect(h.workflowType, h.file).toBe(expectedType(h.file));
        // Started, at least one workflow task, and an ending.
        expect(h.events, h.file).toBeGreaterThan(4);
      }
      const results = await replay(histories);
      expect([...results.keys()].sort()).toEqual(histories.map((h) => h.file));
      const failures = [...results].filter(([, error]) => error).map(([file, error]) => `${file}: ${error}`);
      expect(failures).toEqual([]);
    });
  }

  it('when a recorded history says another activity ran than the code schedules, then replay reports a nondeterminism error', async () => {
    const json = JSON.parse(readFileSync(path.join(historiesDir, '9d3e79f', 'group-full.json'), 'utf8'));
    const scheduled = json.events.find((e: any) => e.activityTaskScheduledEventAttributes);
    scheduled.activityTaskScheduledEventAttributes.activityType = { name: 'somethingElse' };
    const history = historyFromJson(JSON.stringify(json));
    const results = await replay([
      { file: 'tampered', history, workflowType: 'groupSyncWorkflow', events: 0 },
    ]);
    expect(String(results.get('tampered'))).toMatch(/nondetermin/i);
  });
});
