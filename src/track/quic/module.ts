/** QUIC as a registered tracker: UDP datagrams grouped into connections by connection ID. */
import type { QuicReport } from '../../model/quic.js';
import type { TrackerModule } from '../tracker.js';
import { QUIC_KINDS } from './kinds.js';
import { QUIC_METRICS, QUIC_RECORDS } from './metrics.js';
import { classifyQuicConnection } from '../../state/classify.js';
import { QUIC_CLOSE_DRAIN, QUIC_IDLE_TIMEOUT, QuicTracker } from './tracker.js';
import { quicSection } from '../../report/table-quic.js';
import { quicProblems } from '../../report/problems.js';
import { PARTIAL } from '../../report/limits.js';
import { countOf } from '../../report/format.js';
import { BYTES_PER_MB } from '../memory-budget.js';

export const QUIC_MODULE: TrackerModule<'quic', QuicReport> = {
  name: 'quic',
  label: 'QUIC',
  // Seconds: the idle timeout when the client's max_idle_timeout is unknown, and the draining period after a close.
  options: { quicIdleTimeout: QUIC_IDLE_TIMEOUT, quicDrainTimeout: QUIC_CLOSE_DRAIN },
  create(ctx) {
    const o = ctx.options;
    const quic = new QuicTracker({
      state: ctx.state, maxConnections: o.maxQuicConnections, maxStateBytes: o.maxStateMb * BYTES_PER_MB, maxRecords: o.maxRecords,
      idleTimeout: o.quicIdleTimeout as number, drainTimeout: o.quicDrainTimeout as number,
    });
    return {
      observe: (pkt) => (pkt.udp ? quic.observeUdp(pkt) : false),
      finish: () => quic.finish(),
      limits: () => ({ maxQuicConnections: o.maxQuicConnections, evictedQuicConnections: quic.evictedConnections, evictedQuicConnectionsForMemory: quic.evictedConnectionsForMemory }),
      omitted: () => ({ omittedQuicConnections: quic.omittedConnections }),
    };
  },
  classify(section) {
    for (const c of section.connections) c.classification = classifyQuicConnection(c);
  },
  stateKinds: QUIC_KINDS,
  conversationWords: { one: 'QUIC connection', many: 'QUIC connections', flow: 'QUIC connection', rank: 1, mapped: { one: 'connection ID', many: 'connection IDs' } },
  caps: [{ max: 'maxQuicConnections', evicted: 'evictedQuicConnections', one: 'QUIC connection', what: 'QUIC connections', option: '--max-quic-connections', consequence: () => PARTIAL },
    { max: 'maxStateMb', evicted: 'evictedQuicConnectionsForMemory', unit: 'MB of estimated state', one: 'QUIC connection', what: 'QUIC connections', option: '--max-state-mb', consequence: () => PARTIAL }],
  omissions: [{ key: 'omittedQuicConnections', what: 'QUIC connections' }],
  ndjson: { list: 'connections', type: 'quic-connection' },
  summary: (section) => countOf(section.summary.connections, 'QUIC connection', 'QUIC connections'),
  table: (section, view) => quicSection(section, view),
  problems: (section) => quicProblems(section),
  metrics: QUIC_METRICS,
  checkRecords: QUIC_RECORDS,
};
