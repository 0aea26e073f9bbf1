/**
 * V8's old-generation growth for the CLI. After a full GC, V8 lets the heap grow to up to 4x what
 * survived before the next one (more when the program allocates fast). A flood keeps ~330 MB live
 * and turns every evicted flow into old-generation garbage, so the heap swelled to ~1.4 GB between
 * full GCs. A fixed 2x growth keeps the peak near twice the live state. The price is more full
 * GCs: measured on the bench, +17 to +44% user CPU on the floods, within the noise on the TCP mix.
 * V8 reads the flag at every GC (MemoryController::GrowingFactor), so setting it at start-up takes
 * effect; the flag is process-wide, so --jobs worker threads follow it too.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 100;

/** Whether the user set the growth themselves on node's command line (NODE_OPTIONS refuses it). */
export function userChoseHeapGrowth(execArgv: readonly string[]): boolean {
  return execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a));
}

/** Sets the growth unless the user chose their own. */
export function limitHeapGrowth(): void {
  if (!userChoseHeapGrowth(process.execArgv)) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
