/** TCP as a registered tracker (track/tracker.ts): connections rebuilt from both directions. */
import type { TcpReport } from '../../model/tcp.js';
import type { TrackerModule } from '../tracker.js';
import { TCP_KINDS } from './kinds.js';
import { TCP_METRICS, TCP_RECORDS } from './metrics.js';
import { classifyTcpFlow } from '../../state/classify.js';
import { DEFAULT_TCP_ATTEMPT_TIMEOUT, DEFAULT_TCP_INACTIVITY_TIMEOUT, TcpTracker } from './tracker.js';
import { PacketRecorder } from './packet-recorder.js';
import { tcpSection } from '../../report/table-tcp.js';
import { tcpProblems } from '../../report/problems.js';
import { mdText } from '../../report/markdown.js';
import { countOf, formatCounts } from '../../report/format.js';
import { BYTES_PER_MB } from '../memory-budget.js';

export const TCP_MODULE: TrackerModule<'tcp', TcpReport> = {
  name: 'tcp',
  label: 'TCP',
  // Seconds of silence that end a flow (Zeek's tcp_inactivity_timeout and tcp_attempt_delay).
  options: { tcpInactivityTimeout: DEFAULT_TCP_INACTIVITY_TIMEOUT, tcpAttemptTimeout: DEFAULT_TCP_ATTEMPT_TIMEOUT },
  create(ctx) {
    const o = ctx.options;
    const recorder = ctx.packetLog ? new PacketRecorder(ctx.packetLog) : undefined;
    const tcp = new TcpTracker({
      state: ctx.state, stream: ctx.streams, timeWait: o.timeWait, maxFlows: o.maxFlows, maxRecords: o.maxRecords,
      maxStateBytes: o.maxStateMb * BYTES_PER_MB, recorder,
      inactivityTimeout: o.tcpInactivityTimeout as number, attemptTimeout: o.tcpAttemptTimeout as number,
    });
    return {
      observe(pkt) {
        if (!pkt.tcp) return false;
        tcp.observe(pkt);
        return true;
      },
      expire: (time) => tcp.expire(time),
      finish: () => tcp.finish(),
      limits: () => ({
        maxFlows: o.maxFlows, evictedFlows: tcp.evictedFlows, evictedOpenFlows: tcp.evictedOpenFlows,
        maxStateMb: o.maxStateMb, evictedFlowsForMemory: tcp.evictedFlowsForMemory, evictedOpenFlowsForMemory: tcp.evictedOpenFlowsForMemory,
      }),
      omitted: () => ({ omittedFlows: tcp.omittedFlows }),
    };
  },
  classify(section) {
    for (const f of section.flows) f.classification = classifyTcpFlow(f);
  },
  stateKinds: TCP_KINDS,
  conversationWords: { one: 'TCP connection', many: 'TCP connections', flow: 'flow', rank: 0 },
  caps: [{
    max: 'maxFlows', evicted: 'evictedFlows', one: 'TCP flow', what: 'TCP flows', option: '--max-flows',
    consequence: (l) => (l.evictedOpenFlows > 0 ? `, ${l.evictedOpenFlows} of them still open: results for those are partial` : ''),
  }, {
    max: 'maxStateMb', evicted: 'evictedFlowsForMemory', unit: 'MB of estimated state', one: 'TCP flow', what: 'TCP flows', option: '--max-state-mb',
    consequence: (l) => {
      const open = l.evictedOpenFlowsForMemory as number;
      return open > 0 ? `, ${open} of them still open: results for those are partial` : '';
    },
  }],
  omissions: [{ key: 'omittedFlows', what: 'TCP flows' }],
  ndjson: { list: 'flows', type: 'tcp-flow' },
  summary(section) {
    const tcp = countOf(section.summary.flows, 'TCP connection', 'TCP connections');
    return section.summary.flows > 0 ? `${tcp} (${mdText(formatCounts(section.summary.connStates))})` : tcp;
  },
  table: (section, view) => tcpSection(section.flows, section.summary.flows, view),
  problems: (section) => tcpProblems(section.flows),
  metrics: TCP_METRICS,
  checkRecords: TCP_RECORDS,
};
