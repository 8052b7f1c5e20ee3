import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import type { Format, ScanReport } from './model.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export function render(format: Format, report: ScanReport, opts: { color?: boolean } = {}): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'github':
      return renderGithub(report);
    default:
      return renderText(report, { color: opts.color ?? false });
  }
}

export { FORMATS, type Format, type ScanReport } from './model.js';
