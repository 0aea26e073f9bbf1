/**
 * The one interface every capture-format reader implements, so a faster reader can replace any of
 * them without the caller noticing. A reader is fed the (decompressed) file in chunks, in order,
 * and delivers records synchronously through its CaptureTally while it parses.
 *
 * Contract: `push` parses every complete record the bytes so far contain and keeps at most one
 * partial record for the next chunk; it returns false once reading must stop (the tally holds the
 * error). After false, neither `push` nor `finish` may be called again. `finish` is called once at
 * the end of input and reports a partial record left over (truncation), never throws.
 */
export interface CaptureParser {
  push(chunk: Uint8Array): boolean;
  finish(): void;
}
