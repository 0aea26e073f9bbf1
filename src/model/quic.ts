/** QUIC rows of the report (statecap/report-v1 `quic`). */
import type { BySide } from './by-side.js';
import type { FlowClassification } from './classification.js';

export interface QuicConnectionReport {
  id: number;
  client: string;
  server: string;
  version: string | null;
  versions: string[];
  clientInitialDcid: string | null;
  clientScid: string | null;
  serverScid: string | null;
  retryScid: string | null;
  cids: { client: string[]; server: string[] };
  firstPacket: number;
  lastPacket: number;
  datagrams: number;
  datagramsByDirection: BySide;
  packets: BySide;
  bytes: BySide;
  start: number;
  end: number;
  handshake: 'complete' | 'partial' | 'initial-only';
  serverName: string | null;
  alpn: string[];
  cipherSuite: string | null;
  transportParameters: Record<string, string | number> | null;
  paths: { client: string; server: string; firstPacket: number }[];
  ended: string;
  classification?: FlowClassification;
}

export interface QuicReport {
  connections: QuicConnectionReport[];
  unattributed: { datagrams: number; packets: number[] };
  summary: { connections: number; handshakes: { complete: number; partial: number; initialOnly: number } };
}
