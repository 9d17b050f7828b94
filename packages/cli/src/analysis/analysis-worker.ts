// The worker-thread entry: it receives tasks one at a time and answers each with its result
// or its error message, so one bad task never takes the pool down.
import { parentPort, workerData } from 'node:worker_threads';
import { type AnalysisSettings, analyzeRange } from './analyze-range.js';
import type { AnalysisTask } from './plan-tasks.js';

const settings = workerData as AnalysisSettings;
const port = parentPort;
if (!port) throw new Error('analysis-worker.js runs as a worker thread only');

port.on('message', (task: AnalysisTask) => {
  analyzeRange(task, settings).then(
    (result) => port.postMessage({ ok: true, result }),
    (err: unknown) => port.postMessage({ ok: false, message: (err as Error).message ?? String(err) }),
  );
});
