/**
 * Stands in for `onnxruntime-web/webgpu` in the app's bundles (see `resolve.alias` in vite.config.ts).
 * We use transformers.js for tokenizers only and never run an ONNX model; its module imports ONNX Runtime
 * at load time, which made Vite ship a 27 MB wasm file nothing fetched and ~115 KB of JS each in the
 * predict worker and the tokenizer chunk (build: 2,679,735 → 2,562,628 and 565,628 → 449,458 bytes).
 * transformers.js reads `InferenceSession` and `env` from this namespace and copes with their absence.
 */
export {};
