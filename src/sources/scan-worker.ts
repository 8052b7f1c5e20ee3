// Worker thread: builds the ruleset once, then scans batches of files on request (the
// protocol is WorkerRequest / WorkerReply in scan-run.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { buildRuleset } from '../config/config.js';
import { AgentVaultError, errorToWire } from '../errors.js';
import { foreignErrorDetail } from '../messages.js';
import type { Ruleset } from '../core/rules.js';
import { scanBatch, toWire, type ScanSettings, type WorkerReply, type WorkerRequest } from './scan-run.js';

const settings = workerData as ScanSettings;
// Built at the first request, inside its try: a failure then answers that request.
let ruleset: Ruleset | undefined;

parentPort!.on('message', (msg: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    ruleset ??= buildRuleset(settings.config);
    const r = scanBatch(msg.files, ruleset, settings);
    reply = { type: 'result', batch: msg.batch, findings: r.findings.map(toWire), skipped: r.skipped, filesScanned: r.filesScanned, bytesScanned: r.bytesScanned };
  } catch (e) {
    // Ours crosses as it is (kind, code, hint); anything else as an internal error whose
    // message is made safe to print (a parser's message may quote its input).
    const error = e instanceof AgentVaultError ? e : new AgentVaultError('internal', foreignErrorDetail(e));
    reply = { type: 'error', error: errorToWire(error) };
  }
  parentPort!.postMessage(reply);
});
