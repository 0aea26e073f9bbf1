/**
 * pcapng timestamps: a 64-bit count of units since the epoch, where an interface's if_tsresol says
 * how long a unit is (draft-ietf-opsawg-pcapng §4.2: high bit clear 10^-n s, set 2^-n s; default
 * 10^-6). Conversion to exact (sec, nsec) avoids BigInt for decimal resolutions up to nanoseconds,
 * which is nearly every file; other resolutions take the BigInt path.
 */

const NANOS_PER_SECOND = 1_000_000_000;
const TWO_POW_32 = 4294967296;
/** high < 2^21 means high * 2^32 + low < 2^53: the count is an exact double. */
const EXACT_HIGH_LIMIT = 0x200000;
/** Below this many units per second a count >= 2^53 cannot be divided exactly in doubles. */
const MIN_UNITS_FOR_DOUBLE_DIVISION = 1_000_000;

export interface TimestampResolution {
  /** Units per second, as a double (exact: only used on the fast path, where it is 10^n, n <= 9). */
  unitsPerSecond: number;
  unitsPerSecondBig: bigint;
  /** Nanoseconds per unit for decimal resolutions up to 10^-9; 0 when the BigInt path is needed. */
  nanosPerUnit: number;
  /** 2^32 mod unitsPerSecond, for the exact remainder of a count >= 2^53. */
  twoPow32Mod: number;
}

/** The resolution an if_tsresol option byte stands for. */
export function resolutionOf(tsresol: number): TimestampResolution {
  const exponent = tsresol & 0x7f;
  const binary = (tsresol & 0x80) !== 0;
  const unitsPerSecondBig = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
  const fast = !binary && exponent <= 9;
  const unitsPerSecond = fast ? Number(unitsPerSecondBig) : 0;
  return {
    unitsPerSecond,
    unitsPerSecondBig,
    nanosPerUnit: fast ? NANOS_PER_SECOND / unitsPerSecond : 0,
    twoPow32Mod: fast ? TWO_POW_32 % unitsPerSecond : 0,
  };
}

export const MICROSECONDS: TimestampResolution = resolutionOf(6);

/** (a * b) mod m for a, b < m <= 2^30, exact in doubles: b is split into 15-bit halves. */
function mulMod(a: number, b: number, m: number): number {
  const bHigh = Math.floor(b / 32768);
  const bLow = b - bHigh * 32768;
  return (((a * bHigh) % m) * 32768 + a * bLow) % m;
}

/** A split timestamp, written in place so the hot path allocates nothing. */
export class SplitTime {
  sec = 0;
  nsec = 0;

  /** Sets sec/nsec from the 64-bit unit count high:low (both unsigned 32-bit). */
  set(high: number, low: number, res: TimestampResolution): void {
    const units = res.unitsPerSecond;
    if (res.nanosPerUnit !== 0 && high < EXACT_HIGH_LIMIT) {
      const count = high * TWO_POW_32 + low;
      const rem = count % units;
      this.sec = (count - rem) / units;
      this.nsec = rem * res.nanosPerUnit;
    } else if (res.nanosPerUnit !== 0 && units >= MIN_UNITS_FOR_DOUBLE_DIVISION) {
      // count >= 2^53 (nanosecond counts since 1970 are ~2^60): exact remainder by modular
      // arithmetic; the quotient is an integer and the double error is far below 0.5.
      const rem = (mulMod(high % units, res.twoPow32Mod, units) + (low % units)) % units;
      this.sec = Math.round((high * TWO_POW_32 + (low - rem)) / units);
      this.nsec = rem * res.nanosPerUnit;
    } else {
      const count = (BigInt(high) << 32n) | BigInt(low);
      const per = res.unitsPerSecondBig;
      this.sec = Number(count / per);
      this.nsec = Number(((count % per) * 1_000_000_000n) / per);
    }
  }
}
