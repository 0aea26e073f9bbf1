/**
 * What the terminal gets: colour and width, decided once per run from the command line and the
 * environment, the only place that reads them.
 *
 * Colour, most specific first: --color=always|never (--no-color = never), then NO_COLOR
 * (no-color.org: any non-empty value), then FORCE_COLOR (0/false = off, anything else = on, as in
 * Node and chalk), then TERM=dumb, then whether the stream is a terminal.
 */
export type ColorMode = 'always' | 'never' | 'auto';

let mode: ColorMode = 'auto';

export function setColorMode(m: ColorMode): void {
  mode = m;
}

export function colorFor(stream: { isTTY?: boolean }, m: ColorMode, env: NodeJS.ProcessEnv): boolean {
  if (m === 'always') return true;
  if (m === 'never') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}

export function useColor(stream: { isTTY?: boolean }): boolean {
  return colorFor(stream, mode, process.env);
}

/**
 * Columns the tables may use: the terminal's width on a terminal (COLUMNS overrides), none (no
 * limit) in a pipe or file, where a program or a wide editor reads the text.
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  const columns = Number(process.env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return stream.isTTY && stream.columns !== undefined && stream.columns > 0 ? stream.columns : undefined;
}

/**
 * "statecap: big.pcap: 1,200,000 packets, 870.2 MB (43%)". The percentage is of the file's size
 * (`size`, when known) and stops at 99 until the end, since `stored` estimates record headers.
 */
export function progressLine(path: string, packets: number, bytes: number, stored: number, size?: number): string {
  const percent = size ? ` (${Math.min(99, Math.floor((100 * stored) / size))}%)` : '';
  return `statecap: ${path}: ${packets.toLocaleString('en-US')} packets, ${(bytes / 1e6).toFixed(1)} MB${percent}`;
}
