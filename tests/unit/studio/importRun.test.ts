/** A Trainer output folder → a run record and its history (src/persist/importRun.ts). */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { chooseTrainerFiles, importTrainerOutput } from '../../../src/persist/importRun';

const state = JSON.parse(readFileSync(new URL('../export/trainer_state.cls-4.27.json', import.meta.url), 'utf8'));
const config = { architectures: ['BertForSequenceClassification'], _name_or_path: 'public/models/tiny-bert', id2label: { '1': 'positive', '0': 'negative' }, problem_type: 'single_label_classification' as const };

test('with the project\'s training_config.json: task, labels, settings and the named best metric', () => {
  const trainingConfig = { task: 'classification', model: 'prajjwal1/bert-tiny', labels: ['negative', 'positive'], max_length: 128, config: { learningRate: 1e-3, metricForBest: 'f1_micro' } };
  const { record, history, notes } = importTrainerOutput({ folder: 'output', config, state, trainingConfig }, { id: 'r1', now: 1000 });
  expect(record).toMatchObject({
    id: 'r1',
    name: 'classification · prajjwal1/bert-tiny · Trainer (output)',
    status: 'finished',
    task: 'classification',
    labels: ['negative', 'positive'],
    maxLength: 128,
    config: { learningRate: 1e-3, metricForBest: 'f1_micro' },
    totalSteps: 20,
    lastStep: 15,
    bestStep: 5,
    bestMetric: { name: 'f1_micro', value: 0.5833333333333334 },
    checkpointStep: 5,
  });
  expect(record.final!.validation!.metrics.loss).toBe(0.6929462552070618);
  expect(record.final!.test).toBeNull();
  expect(history.evalStep).toEqual([5, 10, 15]);
  expect(notes).toContain('stopped at step 15 of 20 (early stopping)');
});

test('config.json alone: the task from its architecture, labels from id2label in id order, the default metric named', () => {
  const { record, notes } = importTrainerOutput({ folder: 'cls-normal-out', config, state }, { id: 'r2', now: 1 });
  expect(record.task).toBe('classification');
  expect(record.labels).toEqual(['negative', 'positive']);
  expect(record.modelLabel).toBe('public/models/tiny-bert');
  expect(record.bestMetric).toEqual({ name: 'accuracy', value: 0.5833333333333334 });
  expect(notes[0]).toMatch(/^no training_config.json: the task \(classification\) is read from config.json/);
});

test('a QA checkpoint has no label vocabulary', () => {
  const qa = { architectures: ['BertForQuestionAnswering'], id2label: { '0': 'LABEL_0', '1': 'LABEL_1' } };
  const { record } = importTrainerOutput({ folder: 'qa', config: qa, state: { global_step: 0, log_history: [] } }, { id: 'r3', now: 1 });
  expect(record.task).toBe('qa');
  expect(record.labels).toEqual([]);
  expect(record.final!.validation).toBeNull();
});

test('which dropped files are what: the output folder\'s own files over its checkpoint-<step>/ copies', () => {
  const choice = chooseTrainerFiles([
    'output/checkpoint-5/config.json',
    'output/checkpoint-5/model.safetensors',
    'output/checkpoint-5/trainer_state.json',
    'output/config.json',
    'output/model.safetensors',
    'output/trainer_state.json',
    'output/training_args.bin',
    'output/tokenizer.json',
  ]);
  expect(choice).toMatchObject({ config: 'output/config.json', state: 'output/trainer_state.json', trainingConfig: null, errors: [], notes: [] });
  expect([...choice.checkpoint]).toEqual([
    ['config.json', 'output/config.json'],
    ['model.safetensors', 'output/model.safetensors'],
    ['tokenizer.json', 'output/tokenizer.json'],
  ]);
});

test('a 4.27 folder (pytorch_model.bin) imports charts and metrics, not the weights; without trainer_state.json nothing', () => {
  const old = chooseTrainerFiles(['config.json', 'pytorch_model.bin', 'trainer_state.json', 'training_config.json']);
  expect(old.errors).toEqual([]);
  expect(old.trainingConfig).toBe('training_config.json');
  expect(old.checkpoint.size).toBe(0);
  expect(old.notes[0]).toMatch(/pytorch_model.bin, which the browser cannot read/);
  expect(chooseTrainerFiles(['model.safetensors']).errors).toEqual(['no config.json (the saved model\'s configuration)', 'no trainer_state.json (trainer.save_state() writes it into the output folder)']);
});
