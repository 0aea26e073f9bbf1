/**
 * Named queries for `statecap sql DIR --query NAME`: the questions operators and teachers ask of
 * many captures. Plain DuckDB SQL over the export tables; the README lists them, and
 * `--query NAME --show` prints the SQL to adapt.
 */
export interface NamedQuery {
  name: string;
  question: string;
  sql: string;
}

export const NAMED_QUERIES: readonly NamedQuery[] = [
  {
    name: 'peak-state',
    question: 'Which servers held the most state at peak? (bytes at their peak moment, over all captures)',
    // Each server's row of most bytes held; on a tie, the earlier capture.
    sql: `SELECT endpoint,
       peak_bytes_bytes AS peak_bytes,
       peak_bytes_entries AS entries_then,
       capture_path AS capture,
       peak_bytes_packet AS packet,
       peak_bytes_time AS time,
       count(*) OVER (PARTITION BY endpoint) AS captures
FROM endpoints
WHERE role = 'server'
QUALIFY row_number() OVER (PARTITION BY endpoint ORDER BY peak_bytes_bytes DESC, capture_id, capture_path) = 1
ORDER BY peak_bytes DESC, endpoint`,
  },
  {
    name: 'never-restart-safe',
    question: 'Which endpoints were never restart-safe? (stateful in every capture they appear in, never idle for any time)',
    // idle_seconds = 0: no restart-safe window of any length (a window may be an instant).
    sql: `SELECT endpoint, role,
       count(*) AS captures,
       max(peak_entries) AS max_peak_entries,
       max(peak_bytes_bytes) AS max_peak_bytes
FROM endpoints
GROUP BY endpoint, role
HAVING bool_and(verdict = 'stateful' AND idle_seconds = 0)
ORDER BY role DESC, max_peak_bytes DESC, endpoint`,
  },
  {
    name: 'sticky',
    question: 'Which clients need sticky routing, to which servers, and by what key?',
    sql: `SELECT client_ip AS client, server, classification_sticky_routing AS sticky_routing,
       list(DISTINCT kind ORDER BY kind) AS kinds,
       count(*) AS conversations,
       count(DISTINCT capture_path) AS captures
FROM (SELECT capture_path, client_ip, server, classification_sticky_routing, 'tcp' AS kind FROM tcp_flows
      UNION ALL
      SELECT capture_path, client_ip, server, classification_sticky_routing, 'quic' FROM quic_connections
      UNION ALL
      SELECT capture_path, client_ip, server, classification_sticky_routing, 'dns' FROM dns_transactions)
WHERE classification_sticky_routing <> 'none'
GROUP BY ALL
ORDER BY conversations DESC, client, server, sticky_routing`,
  },
  {
    name: 'dns-unanswered-by-server',
    question: 'Which DNS servers left queries unanswered, and how many?',
    sql: `SELECT server,
       count(*) AS queries,
       count(*) FILTER (outcome = 'unanswered') AS unanswered,
       count(*) FILTER (outcome = 'late') AS late,
       count(*) FILTER (outcome = 'rejected') AS rejected,
       round(100.0 * count(*) FILTER (outcome = 'unanswered') / count(*), 1) AS unanswered_pct,
       count(DISTINCT capture_path) AS captures
FROM dns_transactions
GROUP BY server
HAVING count(*) FILTER (outcome = 'unanswered') > 0
ORDER BY unanswered DESC, server`,
  },
  {
    name: 'class-summary',
    question: "The class's distribution: each measure over all readable captures (min, quartiles, max)",
    sql: `WITH per_capture AS (
  SELECT c.capture_id, c.capture_path,
         c.packets,
         c.tcp_summary_flows AS tcp_flows,
         c.tcp_summary_handshakes_complete AS tcp_handshakes_complete,
         c.dns_summary_queries AS dns_queries,
         c.dns_summary_unanswered AS dns_unanswered,
         c.quic_summary_connections AS quic_connections,
         (SELECT count(*) FROM endpoints e WHERE e.capture_id = c.capture_id AND e.capture_path = c.capture_path
            AND e.role = 'server' AND e.verdict = 'stateful') AS stateful_servers,
         (SELECT coalesce(max(e.peak_bytes_bytes), 0) FROM endpoints e WHERE e.capture_id = c.capture_id
            AND e.capture_path = c.capture_path AND e.role = 'server') AS server_peak_bytes
  FROM captures c
  WHERE c.packets IS NOT NULL
), measures AS (
  UNPIVOT per_capture ON packets, tcp_flows, tcp_handshakes_complete, dns_queries, dns_unanswered,
    quic_connections, stateful_servers, server_peak_bytes INTO NAME measure VALUE value
)
-- quantile_disc is the nearest rank: the smallest value with at least that share of captures at or below it.
SELECT measure, count(*) AS captures, min(value) AS min,
       quantile_disc(value, 0.25) AS p25, quantile_disc(value, 0.5) AS median,
       quantile_disc(value, 0.75) AS p75, max(value) AS max
FROM measures
GROUP BY measure
ORDER BY list_position(['packets', 'tcp_flows', 'tcp_handshakes_complete', 'dns_queries', 'dns_unanswered',
  'quic_connections', 'stateful_servers', 'server_peak_bytes'], measure)`,
  },
];

export function namedQuery(name: string): NamedQuery | undefined {
  return NAMED_QUERIES.find((q) => q.name === name);
}
