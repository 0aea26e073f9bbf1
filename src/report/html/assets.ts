/**
 * The charting library inlined in every HTML report: uPlot (MIT), read from its npm package when
 * a report is written, with its license notice. Nothing is fetched by the page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ChartLibrary {
  script: string;
  css: string;
  license: string;
  version: string;
}

let cached: ChartLibrary | null = null;

export function chartLibrary(): ChartLibrary {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  const read = (file: string): string => readFileSync(require.resolve(`uplot/${file}`), 'utf8');
  const version = (JSON.parse(read('package.json')) as { version: string }).version;
  const script = read('dist/uPlot.iife.min.js');
  // The library is inlined in a script element: it must never contain the end tag.
  if (/<\/script/i.test(script)) throw new Error('uPlot bundle contains "</script": cannot inline it');
  cached = { script, css: read('dist/uPlot.min.css'), license: read('LICENSE'), version };
  return cached;
}
