// Worker thread: builds the ruleset once, then scans batches of files on request.
import { foreignErrorDetail } from '../messages.js';
import { parentPort, workerData } from 'node:worker_threads';
import { buildRuleset } from '../config/config.js';
import { scanBatch, toWire, type ScanSettings } from './scan-run.js';
import type { FileEntry } from './files.js';

const settings = workerData as ScanSettings;
const ruleset = buildRuleset(settings.config);
const baseline = new Set(settings.baseline);

parentPort!.on('message', (msg: { type: 'scan'; batch: number; files: FileEntry[] }) => {
  try {
    const r = scanBatch(msg.files, ruleset, settings, baseline);
    parentPort!.postMessage({ type: 'result', batch: msg.batch, findings: r.findings.map(toWire), skipped: r.skipped, filesScanned: r.filesScanned, bytesScanned: r.bytesScanned });
  } catch (e) {
    parentPort!.postMessage({ type: 'error', message: foreignErrorDetail(e) });
  }
});
