/** DNS summary (queries, answered %, RTT, rcodes) and the transactions that need attention (issue 3). */
import type { DnsReport } from './schema.js';
import { renderGrid, renderKeyValue } from './cli-table.js';
import type { SectionOptions } from './layout.js';
import { countOf, formatCounts, formatPackets, formatPercent, formatSeconds, moreLine } from './format.js';
import { dnsAttention } from './dns-attention.js';

export function dnsSection(dns: DnsReport, dnsTimeout: number, opts: SectionOptions): string | null {
  const s = dns.summary;
  if (s.queries === 0 && s.unsolicited === 0 && s.malformed === 0) return null;
  const summary = renderKeyValue([
    ['Queries', String(s.queries)],
    ['Answered', `${s.answered} (${formatPercent(s.answered, s.queries)})`],
    ['RTT median / p95', `${formatSeconds(s.rttMedian)} / ${formatSeconds(s.rttP95)}`],
    ['Rcodes', formatCounts(s.rcodes)],
    ['Unanswered', String(s.unanswered)],
    ['Late', `${s.late} (timeout ${formatSeconds(dnsTimeout)})`],
    ['Rejected', String(s.rejected)],
    ['Unsolicited', String(s.unsolicited)],
    ['Malformed', String(s.malformed)],
    ['ID collisions', String(dns.collisions.length)],
  ], { color: opts.color, width: opts.width });
  const lines = [`DNS (${countOf(s.queries, 'query', 'queries')})`, summary];
  const attention = dnsAttention(dns, dnsTimeout);
  if (attention.length > 0) {
    const shown = attention.slice(0, opts.maxRows);
    lines.push(`DNS transactions needing attention (${attention.length})`);
    lines.push(renderGrid(
      ['Kind', 'Query', 'Client', 'Server', 'Packets', 'Detail'],
      shown.map((a) => [a.kind, a.query, a.client, a.server, formatPackets(a.packets), a.detail]),
      { color: opts.color, width: opts.width, drop: ['Packets', 'Client', 'Detail'] },
      opts.note,
    ));
    const more = moreLine(attention.length, shown.length, 'DNS items');
    if (more !== null) lines.push(more);
  }
  return lines.join('\n');
}
