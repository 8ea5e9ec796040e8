import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { headFromArchitectures, parseEncoderConfig, type HeadKind } from '../../../src/engine/config';
import { modelSpecs } from '../../../src/engine/names';
import { trainerNoDecay, weightDecayByName } from '../../../src/train/paramGroups';

const FIX = 'tests/fixtures/hf-reference';
const cases = readdirSync(FIX).filter((d) => !['tokenizers', 'manifest.json', 'README.md'].includes(d));
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
/** Outputs of the head: QA's 2, the labels of id2label (a masked LM has none: its outputs are the vocabulary). */
const numLabelsOf = (head: HeadKind, config: { id2label?: object }) => (head === 'qa' ? 2 : Object.keys(config.id2label ?? {}).length);

describe('parameter names', () => {
  test.each(cases)('%s: specs equal HF named_parameters() in order, with the checkpoint shapes', (name) => {
    const config = json(`${FIX}/${name}/config.json`);
    const c = json(`${FIX}/${name}/case.json`);
    const head = headFromArchitectures(config) as HeadKind;
    const specs = modelSpecs(parseEncoderConfig(config), head, numLabelsOf(head, config));
    expect(specs.map((s) => s.name)).toEqual(c.parameter_names);
    const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(total).toBe(c.num_parameters);
  });

  const lora = (name: string) => name.includes('-lora-');

  test.each(cases.filter((c) => c.endsWith('-train') && !lora(c)))('%s: the Trainer no-decay rule equals the fixture param groups', (name) => {
    const config = json(`${FIX}/${name}/config.json`);
    const c = json(`${FIX}/${name}/case.json`);
    const head = headFromArchitectures(config) as HeadKind;
    const specs = modelSpecs(parseEncoderConfig(config), head, numLabelsOf(head, config));
    expect(weightDecayByName(specs, 0.01)).toEqual(weightDecayByName(specs, 0.01, c.optimizer.param_groups));
  });

  test.each(cases.filter(lora))('%s: PEFT\'s groups (trainable only) get the decay makePlan gives them: factors decay, biases do not', (name) => {
    const config = json(`${FIX}/${name}/config.json`);
    const c = json(`${FIX}/${name}/case.json`);
    const specs = new Map(modelSpecs(parseEncoderConfig(config), 'seqcls', numLabelsOf('seqcls', config)).map((s) => [s.name, s]));
    const groups = c.optimizer.param_groups as { weight_decay: number; params: string[] }[];
    for (const g of groups) {
      for (const peftName of g.params) {
        const n = peftName.replace(/^base_model\.model\./, '');
        const spec = specs.get(n);
        // makePlan (src/train/plan.ts): a LoRA factor has no spec and decays; a spec decays unless trainerNoDecay.
        const ours = spec && trainerNoDecay(spec) ? 0 : 0.01;
        expect(ours, n).toBe(g.weight_decay);
      }
    }
    expect(groups.flatMap((g) => g.params)).toHaveLength(c.lora.targets.length * 2 + 2); // A, B per target + classifier
  });

  test('DistilBERT LayerNorms without "LayerNorm" in their name get no decay', () => {
    const specs = modelSpecs(parseEncoderConfig(json(`${FIX}/distilbert-seqcls/config.json`)), 'seqcls', 3);
    const wd = weightDecayByName(specs, 0.01);
    expect(wd.get('distilbert.transformer.layer.0.sa_layer_norm.weight')).toBe(0);
    expect(wd.get('distilbert.transformer.layer.1.output_layer_norm.weight')).toBe(0);
    expect(wd.get('distilbert.transformer.layer.0.ffn.lin1.bias')).toBe(0);
    expect(wd.get('distilbert.transformer.layer.0.ffn.lin1.weight')).toBe(0.01);
    expect(wd.get('distilbert.embeddings.word_embeddings.weight')).toBe(0.01);
  });
});

describe('config parsing', () => {
  test('unknown architectures get a clear error', () => {
    expect(() => parseEncoderConfig({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] })).toThrow(
      /Unsupported architecture "gpt2" \(GPT2LMHeadModel\)\. Supported: bert, roberta, xlm-roberta, electra, distilbert/,
    );
  });

  test('ELECTRA keeps its smaller embedding size; XLM-R uses the roberta prefix', () => {
    const e = parseEncoderConfig(json(`${FIX}/electra-qa/config.json`));
    expect([e.embeddingSize, e.hiddenSize]).toEqual([24, 32]);
    const x = parseEncoderConfig({ ...json(`${FIX}/roberta-qa/config.json`), model_type: 'xlm-roberta' });
    expect(x.prefix).toBe('roberta');
    expect(x.padTokenId).toBe(1);
  });

  test('classifier_dropout null falls back to hidden dropout, as HF does', () => {
    const base = json(`${FIX}/bert-seqcls/config.json`);
    const c = parseEncoderConfig({ ...base, hidden_dropout_prob: 0.1, classifier_dropout: null });
    expect(c.classifierDropout).toBe(0.1);
  });
});
