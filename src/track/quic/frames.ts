/**
 * Frames of a decrypted Initial packet (RFC 9000 §19). Initial packets may carry only PADDING,
 * PING, ACK, CRYPTO and CONNECTION_CLOSE of type 0x1c (RFC 9000 §12.4, Table 3), which is all this
 * reads: enough to pull the CRYPTO data out and to see a connection being closed. A frame of any
 * other type ends the walk (its length cannot be known), reported in `stop`.
 */
import { readVarint, type VarintRead } from './varint.js';

/** Frame types (RFC 9000 §19, Table 3 of §12.4). */
export const FRAME_TYPE = {
  PADDING: 0x00,
  PING: 0x01,
  ACK: 0x02,
  ACK_ECN: 0x03,
  CRYPTO: 0x06,
  CONNECTION_CLOSE: 0x1c,
  CONNECTION_CLOSE_APPLICATION: 0x1d,
  HANDSHAKE_DONE: 0x1e,
} as const;

export interface CryptoFrame {
  offset: number;
  /** View into the decrypted payload. */
  data: Uint8Array;
  /** The frame claimed more data than the payload holds: `data` is what there was. */
  partial?: boolean;
}

export interface ConnectionClose {
  /** 0x1c: a transport error code (RFC 9000 §20.1); 0x1d: an application error code. */
  application: boolean;
  errorCode: number;
  /** The frame type that caused the error (transport close only). */
  frameType: number | null;
  reason: string;
}

export interface InitialFrames {
  crypto: CryptoFrame[];
  close: ConnectionClose | null;
  /** Frames read before the walk ended. */
  frames: number;
  /** Why the walk ended before the payload did; null when every byte was read. */
  stop: { offset: number; reason: string } | null;
}

/** Bound on frames read from one packet: a 1500-byte packet of 1-byte PINGs stays below it. */
const MAX_FRAMES = 2048;
/** Bound on ACK ranges walked (each costs at least 2 bytes anyway). */
const MAX_ACK_RANGES = 1024;
/** Reason phrases are shown, not kept: at most this many bytes of one. */
const MAX_REASON = 256;

const reasonDecoder = new TextDecoder('utf-8', { fatal: false });

/** Walks the frames of a decrypted Initial (or Handshake) payload. Never throws. */
export function parseInitialFrames(payload: Uint8Array): InitialFrames {
  const out: InitialFrames = { crypto: [], close: null, frames: 0, stop: null };
  const v: VarintRead = { value: 0, next: 0 };
  let at = 0;
  while (at < payload.length && out.frames < MAX_FRAMES) {
    const type = payload[at];
    const frameStart = at;
    out.frames++;
    if (type === FRAME_TYPE.PADDING) {
      // RFC 9000 §19.1: a PADDING frame is one zero byte; runs are common, skip them together.
      while (at < payload.length && payload[at] === FRAME_TYPE.PADDING) at++;
      continue;
    }
    if (type === FRAME_TYPE.PING) {
      at++;
      continue;
    }
    if (type === FRAME_TYPE.ACK || type === FRAME_TYPE.ACK_ECN) {
      const next = skipAck(payload, at + 1, type === FRAME_TYPE.ACK_ECN, v);
      if (next < 0) return stopped(out, frameStart, 'ACK frame runs past the payload');
      at = next;
      continue;
    }
    if (type === FRAME_TYPE.CRYPTO) {
      // RFC 9000 §19.6: Offset (i), Length (i), Crypto Data (..).
      if (readVarint(payload, at + 1, v).next < 0) return stopped(out, frameStart, 'CRYPTO offset runs past the payload');
      const offset = v.value;
      if (readVarint(payload, v.next, v).next < 0) return stopped(out, frameStart, 'CRYPTO length runs past the payload');
      const end = v.next + v.value;
      if (end > payload.length) {
        // Keep what is there (a packet cut by the snaplen still shows the start of the ClientHello).
        if (v.next < payload.length) out.crypto.push({ offset, data: payload.subarray(v.next), partial: true });
        return stopped(out, frameStart, `CRYPTO data of ${v.value} bytes runs past the payload`);
      }
      out.crypto.push({ offset, data: payload.subarray(v.next, end) });
      at = end;
      continue;
    }
    if (type === FRAME_TYPE.CONNECTION_CLOSE || type === FRAME_TYPE.CONNECTION_CLOSE_APPLICATION) {
      // RFC 9000 §19.19: Error Code (i), [Frame Type (i)], Reason Phrase Length (i), Reason Phrase (..).
      const application = type === FRAME_TYPE.CONNECTION_CLOSE_APPLICATION;
      if (readVarint(payload, at + 1, v).next < 0) return stopped(out, frameStart, 'CONNECTION_CLOSE runs past the payload');
      const errorCode = v.value;
      let frameType: number | null = null;
      if (!application) {
        if (readVarint(payload, v.next, v).next < 0) return stopped(out, frameStart, 'CONNECTION_CLOSE runs past the payload');
        frameType = v.value;
      }
      if (readVarint(payload, v.next, v).next < 0) return stopped(out, frameStart, 'CONNECTION_CLOSE runs past the payload');
      const end = v.next + v.value;
      if (end > payload.length) return stopped(out, frameStart, 'CONNECTION_CLOSE reason runs past the payload');
      const reason = reasonDecoder.decode(payload.subarray(v.next, Math.min(end, v.next + MAX_REASON)));
      out.close = { application, errorCode, frameType, reason };
      at = end;
      continue;
    }
    return stopped(out, frameStart, `frame type 0x${type.toString(16)} is not allowed in Initial packets (RFC 9000 §12.4)`);
  }
  if (at < payload.length) out.stop = { offset: at, reason: `more than ${MAX_FRAMES} frames` };
  return out;
}

/**
 * RFC 9000 §19.3: Largest Acknowledged (i), ACK Delay (i), ACK Range Count (i), First ACK Range (i),
 * ACK Range (..) ... , [ECN Counts (..)]. Returns the offset after the frame, or -1.
 */
function skipAck(b: Uint8Array, at: number, ecn: boolean, v: VarintRead): number {
  let next = at;
  for (let i = 0; i < 2; i++) {
    if (readVarint(b, next, v).next < 0) return -1;
    next = v.next;
  }
  if (readVarint(b, next, v).next < 0) return -1;
  const ranges = v.value;
  next = v.next;
  if (ranges > MAX_ACK_RANGES) return -1;
  // First ACK Range, then a (Gap, ACK Range Length) pair per range.
  const fields = 1 + ranges * 2 + (ecn ? 3 : 0);
  for (let i = 0; i < fields; i++) {
    if (readVarint(b, next, v).next < 0) return -1;
    next = v.next;
  }
  return next;
}

function stopped(out: InitialFrames, offset: number, reason: string): InitialFrames {
  out.stop = { offset, reason };
  return out;
}
