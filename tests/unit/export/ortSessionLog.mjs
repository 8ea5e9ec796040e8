// Creates an ONNX Runtime session for each .onnx path given, logging at `warning` severity (2), so whatever
// ORT warns about (unknown ops or types, unused initializers, failed shape inference) reaches stderr, which
// the calling test reads: native logging cannot be captured inside the test's own process.
import * as ort from 'onnxruntime-node';

for (const path of process.argv.slice(2)) {
  const session = await ort.InferenceSession.create(path, { logSeverityLevel: 2, logVerbosityLevel: 0, graphOptimizationLevel: 'all' });
  console.log(`ok ${path} inputs=${session.inputNames.join(',')} outputs=${session.outputNames.join(',')}`);
  await session.release();
}
