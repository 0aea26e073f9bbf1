/**
 * The DNS events a reader should look at, in packet order: unanswered, late and rejected
 * queries, unsolicited responses, ID collisions, malformed messages, answers from an unexpected
 * address and reused IDs. Shared by the table (one row each) and markdown ("problems found").
 */
import type { DnsReport } from './schema.js';
import { formatSeconds } from './format.js';

export type DnsAttentionKind =
  | 'unanswered' | 'late' | 'rejected' | 'unsolicited' | 'collision' | 'malformed' | 'other-source' | 'id-reused';

export interface DnsAttention {
  kind: DnsAttentionKind;
  /** "example.com A", or "-" when no question was read. */
  query: string;
  client: string;
  server: string;
  transport: 'udp' | 'tcp' | null;
  packets: number[];
  detail: string;
}

function question(qname: string | null, qtype: string | null): string {
  if (qname === null) return '-';
  return qtype === null ? qname : `${qname} ${qtype}`;
}

function hexId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/** Everything in `dns` that needs a reader's attention; `dnsTimeout` is the late threshold used. */
export function dnsAttention(dns: DnsReport, dnsTimeout: number): DnsAttention[] {
  const items: DnsAttention[] = [];
  for (const t of dns.transactions) {
    const base = { query: question(t.qname, t.qtype), client: t.client, server: t.server, transport: t.transport };
    const sent = t.queryPackets.length > 1 ? `, sent ${t.queryPackets.length} times` : '';
    if (t.outcome === 'unanswered') {
      items.push({ ...base, kind: 'unanswered', packets: t.queryPackets, detail: `no response by the end of the capture${sent}` });
    } else if (t.outcome === 'late') {
      items.push({
        ...base, kind: 'late', packets: [...t.queryPackets, ...t.responsePackets],
        detail: `answered after ${formatSeconds(t.rtt)}, later than the ${formatSeconds(dnsTimeout)} timeout`,
      });
    } else if (t.outcome === 'rejected') {
      items.push({ ...base, kind: 'rejected', packets: t.queryPackets, detail: `ICMP destination unreachable${sent}` });
    }
    if (t.responseFrom.length > 0) {
      items.push({
        ...base, kind: 'other-source', packets: t.responsePackets,
        detail: `answered from ${t.responseFrom.join(', ')}, not the address queried (NAT, anycast or spoofing)`,
      });
    }
    if (t.idReused) {
      items.push({ ...base, kind: 'id-reused', packets: t.queryPackets, detail: `ID ${hexId(t.id)} and port reused while an earlier query was outstanding` });
    }
  }
  for (const u of dns.unsolicited) {
    items.push({
      kind: 'unsolicited', query: question(u.qname, null), client: u.client, server: u.server, transport: u.transport,
      packets: [u.packet], detail: `response ID ${hexId(u.id)} answers no outstanding query`,
    });
  }
  for (const c of dns.collisions) {
    const t = dns.transactions.find((candidate) => candidate.index === c.transaction);
    const other = t === undefined ? `transaction ${c.transaction}` : `transaction ${c.transaction} (${question(t.qname, t.qtype)})`;
    items.push({
      kind: 'collision', query: question(c.qname, null), client: c.client, server: c.server, transport: t?.transport ?? null,
      packets: [c.packet], detail: `response ID ${hexId(c.id)} carries another question than ${other}`,
    });
  }
  for (const m of dns.malformed) {
    items.push({ kind: 'malformed', query: '-', client: '-', server: '-', transport: null, packets: [m.packet], detail: m.reason });
  }
  return items.sort((a, b) => (a.packets[0] ?? 0) - (b.packets[0] ?? 0));
}
