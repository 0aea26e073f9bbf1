/**
 * "Adding a tracker touches the registry, its own folder, plus one line each, and nothing else"
 * (issue 12), proved with a throwaway tracker that exists only in this file: a toy lease protocol
 * on UDP port 4011 ("ACQUIRE" / "GRANT", "RENEW" / "GRANT", "RELEASE" / "BYE"). The module declares
 * two new kinds of state, with their costs, whether losing them breaks a conversation and the
 * routing they need; registering it is all it takes for them to reach the ledger (peakByKind),
 * the cost model (report.costModel, --cost-model), the verdict (words, harmless note, sticky
 * routing), the restart lists and `check` (its own metric, and peakByKind.<kind>), with no other
 * file knowing it. Unregistering it leaves the built-in report as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzeOptions } from '../../src/pipeline.js';
import type { Report } from '../../src/report/schema.js';
import { registerTracker } from '../../src/track/registry.js';
import type { TrackerModule } from '../../src/track/tracker.js';
import type { EndpointRef } from '../../src/state/events.js';
import { evaluateMetric, METRICS, metricKind } from '../../src/check/metrics.js';
import { parseCostModel } from '../../src/state/cost-model.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { WrittenPacket } from '../helpers/capture-file.js';
import { analyzePackets, scratch } from '../helpers/analyze.js';
import { udpFrame } from '../helpers/packets.js';

const LEASE_PORT = 4011;

interface LeaseRow { id: number; client: string; firstPacket: number; grants: number }
interface LeaseSection { leases: LeaseRow[] }

/** The toy tracker: one lease per client address; a GRANT holds it, BYE turns it into a tombstone. */
const LEASE_MODULE: TrackerModule<'lease', LeaseSection> = {
  name: 'lease',
  label: 'Lease',
  create(ctx) {
    const leases = new Map<string, LeaseRow & { clientRef: EndpointRef; serverRef: EndpointRef; requests: number[]; lastPacket: number }>();
    return {
      observe(pkt) {
        const { ip, udp } = pkt;
        if (!ip || !udp || (udp.srcPort !== LEASE_PORT && udp.dstPort !== LEASE_PORT)) return false;
        const toServer = udp.dstPort === LEASE_PORT;
        const client = toServer ? ip.src : ip.dst;
        let lease = leases.get(client);
        if (lease === undefined) {
          lease = {
            id: leases.size, client, firstPacket: pkt.number, grants: 0, requests: [], lastPacket: pkt.number,
            clientRef: { role: 'client', address: client, port: null },
            serverRef: { role: 'server', address: toServer ? ip.dst : ip.src, port: LEASE_PORT, transport: 'udp' },
          };
          leases.set(client, lease);
        }
        const text = new TextDecoder().decode(udp.payload);
        const ref = { proto: 'lease', id: lease.id };
        if (toServer) lease.requests.push(pkt.number);
        else if (text === 'GRANT') {
          lease.grants++;
          ctx.state.hold({ endpoint: lease.serverRef, ref, kind: 'leaseGrants', time: pkt.time, packet: pkt.number });
        } else if (text === 'BYE') {
          ctx.state.hold({ endpoint: lease.serverRef, ref, kind: 'leaseTombstones', time: pkt.time, packet: pkt.number });
        }
        lease.lastPacket = pkt.number;
        return true;
      },
      finish() {
        for (const l of leases.values()) {
          ctx.state.flow?.({
            ref: { proto: 'lease', id: l.id }, client: l.clientRef, server: l.serverRef, firstPacket: l.firstPacket,
            answer: { kind: 'answered', packet: l.firstPacket + 1 },
            exchanges: { count: l.requests.length, packets: l.requests, between: l.requests.length >= 2 ? l.requests[1] - 1 : null, idle: null },
          });
        }
        return { leases: [...leases.values()].map(({ id, client, firstPacket, grants }) => ({ id, client, firstPacket, grants })) };
      },
      limits: () => ({}),
      omitted: () => ({}),
    };
  },
  stateKinds: [
    {
      kind: 'leaseGrants', label: 'leases', words: 'leased',
      cost: { bytes: 96, source: 'one lease record: client address, expiry and lease id (toy figure of this test)' },
      breaksConversation: true,
      // The lease id travels in every message (in this toy protocol): a balancer routing by it needs no 4-tuple.
      routing: 'connection-id',
    },
    {
      kind: 'leaseTombstones', label: 'released leases', words: 'released',
      cost: { bytes: 16, source: 'a released lease id kept against replays (toy figure of this test)' },
      breaksConversation: false,
      harmless: 'a released lease (tombstone) counts in entries and bytes, but losing it breaks nothing',
      routing: 'none',
    },
  ],
  conversationWords: { one: 'lease', many: 'leases', flow: 'lease' },
  caps: [],
  omissions: [],
  ndjson: { list: 'leases', type: 'lease' },
  summary: (s) => `${s.leases.length} leases`,
  table: () => null,
  problems: () => [],
  metrics: [
    { name: 'lease.grants', kind: 'count', meaning: 'GRANT messages', noun: 'grants', pattern: /^lease\.grants$/,
      value: (s) => s.leases.reduce((n, l) => n + l.grants, 0) },
  ],
};

const T = 1_700_000_000;
const CLIENT = '10.0.0.1';
const SERVER = '10.0.0.2';
const dir = scratch('statecap-lease-');
const dgram = (time: number, toServer: boolean, payload: string): WrittenPacket => ({
  time: T + time,
  data: toServer
    ? udpFrame({ src: CLIENT, dst: SERVER, srcPort: 50000, dstPort: LEASE_PORT, payload })
    : udpFrame({ src: SERVER, dst: CLIENT, srcPort: LEASE_PORT, dstPort: 50000, payload }),
});
// Packets: 1 ACQUIRE, 2 GRANT, 3 RENEW, 4 GRANT, 5 RELEASE, 6 BYE.
const PACKETS = [
  dgram(0, true, 'ACQUIRE'), dgram(0.1, false, 'GRANT'),
  dgram(1, true, 'RENEW'), dgram(1.1, false, 'GRANT'),
  dgram(2, true, 'RELEASE'), dgram(2.1, false, 'BYE'),
];

const analyze = (options: AnalyzeOptions = {}): Promise<Report> => analyzePackets(dir, 'lease.pcap', PACKETS, options);

let unregister: () => void = () => {};
let report: Report;
beforeAll(async () => {
  // Before the catch-all UDP tracker, which would claim port 4011 otherwise.
  unregister = registerTracker(LEASE_MODULE, { before: 'udp' });
  report = await analyze();
});
afterAll(() => {
  unregister();
  dir.cleanup();
});

const server = () => report.endpoints.find((e) => e.endpoint === `${SERVER}:${LEASE_PORT}`);

describe('a tracker registered from outside the source tree', () => {
  it('claims its packets before the UDP catch-all and reports its section', () => {
    const sections = report as unknown as Record<string, unknown>;
    expect(sections.lease).toEqual({ leases: [{ id: 0, client: CLIENT, firstPacket: 1, grants: 2 }] });
    expect(report.udp.flows).toEqual([]);
    // Its one-line summary in the markdown view comes from the module.
    expect(renderMarkdown([report])).toContain('1 leases');
  });

  it('brings its kinds to the ledger, priced by its own declared costs', () => {
    // GRANT at 2 holds one lease (96 B); BYE at 6 turns it into a tombstone (16 B).
    expect(server()?.peakByKind).toEqual({
      leaseGrants: { entries: 1, bytes: 96, time: T + 0.1, packet: 2 },
      leaseTombstones: { entries: 1, bytes: 16, time: T + 2.1, packet: 6 },
    });
    expect(report.costModel.entries.leaseGrants).toEqual({ bytes: 96, source: 'one lease record: client address, expiry and lease id (toy figure of this test)' });
    expect(report.costModel.entries.leaseTombstones.bytes).toBe(16);
  });

  it('lets --cost-model override its figures like any built-in kind', async () => {
    const model = parseCostModel('{"entries":{"leaseGrants":{"bytes":1000}}}', 'costs.json');
    if ('error' in model) throw new Error(model.error);
    const priced = await analyze({ costModel: model });
    const e = priced.endpoints.find((x) => x.endpoint === `${SERVER}:${LEASE_PORT}`);
    expect(e?.peakByKind.leaseGrants?.bytes).toBe(1000);
    expect(priced.costModel.entries.leaseGrants).toEqual({ bytes: 1000, source: 'from costs.json' });
  });

  it('gets a verdict in its own words, with the routing its kinds declare', () => {
    const e = server();
    // The lease made by the ACQUIRE at 1 was needed by the RENEW at 3 and the RELEASE at 5: stateful.
    expect(e?.verdict).toBe('stateful');
    expect(e?.stickyRouting).toBe('connection-id');
    expect(e?.reasons[0]).toBe('stateful: state outlived the exchange that created it on 1 of 1 lease: a restart between exchanges breaks the client');
    expect(e?.reasons).toContain(
      'lease 0 carried 3 exchanges (packets 1, 3, 5) on one connection; a restart at packet 2 breaks it; ' +
      'held from packet 2 to the end of the capture (leased, then released)',
    );
    // The tombstone breaks nothing: its declared note is a reason.
    expect(e?.reasons).toContain('a released lease (tombstone) counts in entries and bytes, but losing it breaks nothing');
  });

  it('lists its flows in restart lists, held while breakable only', async () => {
    // At packet 4 the lease is held: a restart breaks lease flow 0. At packet 6 only a tombstone is left.
    const during = await analyze({ restartAt: { packet: 4 } });
    const after = await analyze({ restartAt: { packet: 6 } });
    const at = (r: Report) => r.endpoints.find((x) => x.endpoint === `${SERVER}:${LEASE_PORT}`)?.restart?.breaks;
    expect(at(during)).toEqual({ tcp: [], dns: [], quic: [], lease: [0] });
    expect(at(after)).toEqual({ tcp: [], dns: [], quic: [] });
  });

  it('is measured by check: its own metric and its kinds in peakByKind', () => {
    expect(METRICS.map((m) => m.name)).toContain('lease.grants');
    expect(evaluateMetric(report, 'lease.grants')).toEqual({ value: 2 });
    expect(evaluateMetric(report, `endpoint[${SERVER}:${LEASE_PORT}].peakByKind.leaseGrants.bytes`)).toEqual({ value: 96 });
    // Without --restart-at: its worst moment, the first GRANT (packet 2), breaks the one lease flow.
    expect(evaluateMetric(report, `endpoint[${SERVER}:${LEASE_PORT}].restart.breaks.lease`)).toEqual({ value: 1 });
  });
});

describe('unregistered again', () => {
  it('leaves the built-in trackers as they were', async () => {
    unregister();
    unregister = () => {};
    const plain = await analyze();
    expect('lease' in plain).toBe(false);
    // The datagrams fall to the UDP catch-all: one flow, three exchanges.
    expect(plain.udp.flows.map((f) => [f.server, f.exchanges])).toEqual([[`${SERVER}:${LEASE_PORT}`, 3]]);
    expect(Object.keys(plain.costModel.entries)).not.toContain('leaseGrants');
    expect(metricKind('lease.grants')).toEqual({ error: expect.stringContaining('unknown metric "lease.grants"') });
    expect(metricKind(`endpoint[${SERVER}:${LEASE_PORT}].peakByKind.leaseGrants.bytes`)).toEqual({ error: expect.stringContaining('unknown state kind "leaseGrants"') });
  });
});
