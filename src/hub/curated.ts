/** A short list that covers English, multilingual and Korean, smallest first within each group. */
export interface CuratedModel {
  id: string;
  language: 'English' | 'Multilingual' | 'Korean';
  note: string;
}

export const CURATED_MODELS: readonly CuratedModel[] = [
  { id: 'prajjwal1/bert-tiny', language: 'English', note: '4.4M params, seconds per epoch: for trying things out' },
  { id: 'google/electra-small-discriminator', language: 'English', note: '14M, strong for its size' },
  { id: 'distilbert/distilbert-base-uncased', language: 'English', note: '66M, 60% faster than BERT-base' },
  { id: 'google-bert/bert-base-uncased', language: 'English', note: '110M, the classic baseline' },
  { id: 'FacebookAI/roberta-base', language: 'English', note: '125M, usually better than BERT-base' },
  { id: 'google-bert/bert-base-multilingual-cased', language: 'Multilingual', note: '178M, 104 languages' },
  { id: 'FacebookAI/xlm-roberta-base', language: 'Multilingual', note: '278M, 100 languages, large vocabulary' },
  { id: 'klue/bert-base', language: 'Korean', note: '111M, KLUE benchmark BERT' },
  { id: 'klue/roberta-base', language: 'Korean', note: '111M, KLUE benchmark RoBERTa' },
  { id: 'monologg/koelectra-base-v3-discriminator', language: 'Korean', note: '112M, KoELECTRA v3' },
];
