/**
 * A tracker module for conversations of datagrams (track/udp, track/icmp): everything but how its
 * packets are claimed and keyed, its kinds of state and its metrics is the same for both, and
 * declared once here: the flow table (datagram-flows.ts) with its inactivity timeout and cap as
 * options (`<name>Timeout`, `max<Key>Flows`; 60 s like Zeek's udp/icmp_inactivity_timeout), its
 * limits, omissions, NDJSON rows, table and problems.
 */
import type { DatagramFlowsReport } from '../model/datagram.js';
import type { DecodedPacket, TunnelDatagram } from '../decode/packet.js';
import type { StateKindSpec } from '../model/state-kind.js';
import type { TrackerMetric, TrackerModule } from './tracker.js';
import { DatagramFlows } from './datagram-flows.js';
import { datagramProblems, datagramSection } from './datagram-render.js';
import { PARTIAL } from '../report/limits.js';

export interface DatagramModuleSpec<Name extends string> {
  name: Name;
  label: string;
  /** The name in limits and option keys: `max<Key>Flows`, `evicted<Key>Flows`, `omitted<Key>Flows`. */
  key: string;
  /** The kinds its servers hold: one while a request is open, one for a stream's whole life; none for ICMP. */
  stateKinds: readonly StateKindSpec[];
  ledger: { exchange: string; session: string } | null;
  /** Claims a packet for a flow of the table (flows.observe), or leaves it (false). */
  claim(flows: DatagramFlows, pkt: DecodedPacket): boolean;
  /** Claims a tunnel's own datagram (pkt.tunnelDatagrams), if this protocol carries tunnels. */
  claimTunnel?(flows: DatagramFlows, pkt: DecodedPacket, datagram: TunnelDatagram): boolean;
  /** How "problems found" names a flow with no reply ("UDP", "ICMP echo"). */
  problemLabel: string;
  summary(section: DatagramFlowsReport): string;
  metrics: readonly TrackerMetric<DatagramFlowsReport>[];
}

/** Zeek's udp_inactivity_timeout and icmp_inactivity_timeout (1 min), and the default table cap. */
const DEFAULT_TIMEOUT = 60;
const DEFAULT_MAX_FLOWS = 100_000;

export function datagramModule<Name extends string>(spec: DatagramModuleSpec<Name>): TrackerModule<Name, DatagramFlowsReport> {
  const timeoutOption = `${spec.name}Timeout`;
  const maxOption = `max${spec.key}Flows`;
  const evicted = `evicted${spec.key}Flows`;
  const omitted = `omitted${spec.key}Flows`;
  return {
    name: spec.name,
    label: spec.label,
    options: { [timeoutOption]: DEFAULT_TIMEOUT, [maxOption]: DEFAULT_MAX_FLOWS },
    create(ctx) {
      const o = ctx.options;
      const maxFlows = o[maxOption] as number;
      const flows = new DatagramFlows({
        proto: spec.name, state: ctx.state, timeout: o[timeoutOption] as number, maxFlows, maxRecords: o.maxRecords, kinds: spec.ledger,
      });
      const claimTunnel = spec.claimTunnel;
      return {
        observe: (pkt) => spec.claim(flows, pkt),
        ...(claimTunnel !== undefined ? { observeTunnel: (pkt: DecodedPacket, d: TunnelDatagram) => claimTunnel(flows, pkt, d) } : {}),
        expire: (time) => flows.expire(time),
        finish: () => flows.finish(),
        limits: () => ({ [maxOption]: maxFlows, [evicted]: flows.evicted }),
        omitted: () => ({ [omitted]: flows.omitted }),
      };
    },
    stateKinds: spec.stateKinds,
    caps: [{ max: maxOption, evicted, one: `${spec.label} flow`, what: `${spec.label} flows`, option: `--tracker-option ${maxOption}`, consequence: () => PARTIAL }],
    omissions: [{ key: omitted, what: `${spec.label} flows` }],
    ndjson: { list: 'flows', type: `${spec.name}-flow` },
    summary: spec.summary,
    table: (s, view) => datagramSection(`${spec.label} flows`, s, view),
    problems: (s) => datagramProblems(spec.name, spec.problemLabel, s),
    metrics: spec.metrics,
  };
}
