/** The "Sessions" block of the table view: each HTTP server and where its session state lives. */
import type { HttpReport } from '../../model/http.js';
import type { SectionView } from '../tracker.js';
import { renderGrid } from '../../report/cli-table.js';
import { formatPackets } from '../../report/format.js';

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
    `Sessions (${http.servers.length} HTTP servers)`,
    renderGrid(['Server', 'Session state', 'Carried by', 'Evidence'], rows, { color: view.color }),
  ];
  return lines.join('\n');
}
