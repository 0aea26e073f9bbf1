import type { CaptureRecord } from '../../src/capture/record.js';

/** A capture record for decoder tests: packet `number` 1, time 1000 s unless given. */
export function record(
  data: Uint8Array,
  linkType = 1,
  o: { number?: number; time?: number; originalLength?: number } = {},
): CaptureRecord {
  const time = o.time ?? 1000;
  return {
    number: o.number ?? 1,
    sec: Math.floor(time),
    nsec: Math.round((time - Math.floor(time)) * 1e9),
    time,
    linkType,
    capturedLength: data.length,
    originalLength: o.originalLength ?? data.length,
    data,
    interfaceId: 0,
  };
}
