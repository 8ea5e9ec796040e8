/**
 * Ensembles in the page: the saved validation predictions of two or more runs of the same task and labels,
 * combined by src/ensemble (the code `npm run ensemble` runs), scored against the validation rows of the data the
 * runs trained on (the page's loaded data when it matches, else the first run's stored dataset, restored as Resume
 * restores it), and exported as one zip: every member's checkpoint plus ensemble.json and the predictions.
 */
import { zipSync, type Zippable } from 'fflate';
import * as data from '../client/dataClient';
import { runEnsemble, type EnsembleResult } from '../ensemble/index';
import { safeName, zipEntry } from '../export/zip';
import { loadDataset, type RunRecord } from '../persist/runs';
import { taskSpec } from '../tasks/index';
import type { JsonlRow } from '../tasks/evalInputs';
import { runCheckpointFiles } from './exportRun';
import { useStudio } from './store';

const rows = (values: readonly object[]): JsonlRow[] => values.map((value, i) => ({ line: i + 1, value: value as Record<string, unknown> }));

/** The saved runs behind `ids`, checked to be one task with one label set and finished predictions. */
export function ensembleMembers(runs: readonly RunRecord[], ids: readonly string[]): RunRecord[] {
  const chosen = ids.map((id) => runs.find((r) => r.id === id)).filter((r): r is RunRecord => !!r);
  if (chosen.length < 2) throw new Error('pick two or more runs');
  const [first] = chosen;
  for (const r of chosen) {
    if (r.task !== first.task) throw new Error(`${r.name} is a ${r.task} run, ${first.name} a ${first.task} run: an ensemble needs one task`);
    if (r.labels.join('\u0000') !== first.labels.join('\u0000')) throw new Error(`${r.name} has other labels than ${first.name}`);
    if (!r.final?.predictions.length) throw new Error(`${r.name} has no saved validation predictions (finished runs keep them)`);
    if (r.final.predictions.length !== first.final!.predictions.length) {
      throw new Error(`${r.name} predicted ${r.final.predictions.length} validation rows, ${first.name} ${first.final!.predictions.length}: the runs must share their validation split`);
    }
  }
  return chosen;
}

/** The validation rows as gold lines, from the page's data when it is the runs' split, else from the first run's dataset. */
async function validationGold(first: RunRecord, count: number): Promise<JsonlRow[]> {
  const s = useStudio.getState();
  if (!(s.summary?.task === first.task && s.summary.splits.validation === count)) {
    const files = await loadDataset(first.datasetId);
    if (!files) throw new Error(`the dataset of ${first.name} is no longer stored in this browser: drop its file in step 1, then ensemble again`);
    useStudio.setState({ dataFiles: files, taskChoice: first.taskOverride, columnChoice: first.columns });
    await s.parseData();
  }
  const examples = await data.examples('validation');
  if (examples.length !== count) throw new Error(`the loaded validation split has ${examples.length} rows, the runs predicted ${count}`);
  const spec = taskSpec(first.task);
  return rows(examples.map((e) => spec.goldLine(e)));
}

export async function ensembleSavedRuns(ids: readonly string[], weights: 'equal' | 'search'): Promise<{ members: RunRecord[]; result: EnsembleResult }> {
  const members = ensembleMembers(useStudio.getState().runs, ids);
  const count = members[0].final!.predictions.length;
  const gold = await validationGold(members[0], count);
  const result = runEnsemble({
    task: members[0].task,
    labels: members[0].labels,
    goldFile: 'validation',
    gold,
    members: members.map((r) => ({ name: r.name, predFile: r.name, pred: rows(r.final!.predictions) })),
    weights,
  });
  return { members, result };
}

/** One zip: member-<i>/ with each run's checkpoint (and tokenizer files), ensemble.json and predictions.jsonl. */
export async function ensembleZip(members: readonly RunRecord[], result: EnsembleResult): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const root: Zippable = {};
  for (const [i, r] of members.entries()) {
    const folder: Zippable = {};
    for (const f of await runCheckpointFiles(r.id)) folder[f.name] = zipEntry(f.name, new Uint8Array(await f.arrayBuffer()));
    root[`member-${i + 1}-${safeName(r.id)}`] = folder;
  }
  const ensemble = {
    task: result.task,
    labels: members[0].labels,
    metric: result.metric,
    method: result.method,
    notes: result.notes,
    weights: { mode: result.weightMode, values: result.weights, search: result.search },
    members: result.members.map((m, i) => ({ run: members[i].id, folder: `member-${i + 1}-${safeName(members[i].id)}`, weight: m.weight, score: m.score, metrics: m.metrics })),
    ensemble: { score: result.score, metrics: result.metrics },
    ...(result.thresholds ? { thresholds: result.thresholds } : {}),
  };
  root['ensemble.json'] = enc.encode(`${JSON.stringify(ensemble, null, 2)}\n`);
  root['predictions.jsonl'] = enc.encode(result.predictions.map((p) => `${JSON.stringify(p)}\n`).join(''));
  return zipSync({ ensemble: root });
}
