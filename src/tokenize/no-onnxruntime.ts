/**
 * Stands in for `onnxruntime-web/webgpu` in the app's bundles (see `resolve.alias` in vite.config.ts).
 * We use transformers.js for tokenizers only and never run an ONNX model; its module imports ONNX Runtime
 * at load time, which made Vite ship a 27 MB wasm file and ~0.5 MB of JS in every worker that nothing
 * used. transformers.js reads `InferenceSession` and `env` from this namespace and copes with their absence.
 */
export {};
