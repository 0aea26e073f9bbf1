/** The "Sessions" block of the table view: each HTTP server and where its session state lives. */
import type { HttpReport } from '../../model/http.js';
import type { SectionView } from '../tracker.js';
import { renderGrid } from '../../report/cli-table.js';
import { formatPackets } from '../../report/format.js';
import { mdText } from '../../report/markdown.js';

export function sessionsSection(http: HttpReport, view: SectionView): string | null {
  if (http.summary.requests === 0 && http.malformed.length === 0) return null;
  const rows = http.servers.slice(0, view.maxRows).map(({ server, sessionState: s }) => [
    server,
    s.kind,
    s.kind === 'server-session' ? `cookie ${s.cookie}` : s.kind === 'client-token' ? `JWT ${s.token?.alg ?? ''} (${(s.token?.claims ?? []).join(', ')})` : '-',
    s.evidence.length > 0 ? formatPackets(s.evidence) : '-',
  ]);
  const lines = [
    `HTTP: ${http.summary.exchanges} exchanges on ${http.summary.flows} connections, ${http.summary.malformed} malformed`,
    `Sessions (${http.servers.length} HTTP server${http.servers.length === 1 ? '' : 's'})`,
    renderGrid(['Server', 'Session state', 'Carried by', 'Evidence'], rows, { color: view.color }),
  ];
  return lines.join('\n');
}

/** "### Sessions": one line per HTTP server, its session kind and the packets that show it. */
export function sessionsMarkdown(http: HttpReport, maxRows: number): string[] {
  if (http.servers.length === 0) return [];
  const lines = [`### Sessions (${http.servers.length} HTTP server${http.servers.length === 1 ? '' : 's'})`, ''];
  for (const { server, sessionState: s } of http.servers.slice(0, maxRows)) {
    const where = s.evidence.length > 0 ? ` (packets ${formatPackets(s.evidence)})` : '';
    lines.push(`- \`${server}\` **${s.kind}**: ${mdText(s.description)}${where}`);
  }
  if (http.servers.length > maxRows) lines.push(`- … ${http.servers.length - maxRows} more (see the JSON report).`);
  return lines;
}
