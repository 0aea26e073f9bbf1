/**
 * RFC 9293 endpoint states as the tracker infers them: one describe per state, with the segments that
 * lead into and out of it, asserted for each endpoint (transition lists carry packet numbers).
 */
import { describe, expect, it } from 'vitest';
import { Conversation } from './builder.js';
import { only, path, track } from './run.js';

/** Handshake, then the client closes first (packets 4-7). */
function clientCloses(): Conversation {
  const c = new Conversation().handshake();
  c.c('FA'); // 4
  c.s('A'); // 5
  c.s('FA'); // 6
  c.c('A'); // 7
  return c;
}

describe('CLOSED', () => {
  it('both endpoints start CLOSED and leave it on the first SYN', () => {
    const c = new Conversation();
    c.c('S');
    const f = only(track(c.packets).report);
    expect(path(f, 'client')).toEqual(['CLOSED>SYN-SENT@1']);
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1']);
  });
  it('a connection whose start is missing goes CLOSED -> ESTABLISHED at its first packet', () => {
    const c = new Conversation();
    c.c('PA', { len: 10 });
    c.s('A');
    const f = only(track(c.packets).report);
    expect(f.handshake).toBe('missing');
    expect(path(f, 'client')).toEqual(['CLOSED>ESTABLISHED@1']);
    expect(path(f, 'server')).toEqual(['CLOSED>ESTABLISHED@1']);
    expect(f.finalState).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
  });
  it('a reset with nothing before it leaves both endpoints CLOSED (RFC 9293 §3.10.7.1)', () => {
    const c = new Conversation();
    c.c('RA', { len: 0 });
    const { report, sink } = track(c.packets);
    const f = only(report);
    expect([f.transitions, f.finalState, f.handshake]).toEqual([[], { client: 'CLOSED', server: 'CLOSED' }, 'missing']);
    expect(sink.lines).toEqual([]);
  });
  it('ESTABLISHED + RST sent/received -> CLOSED for both endpoints', () => {
    const c = new Conversation().handshake();
    c.s('RA'); // 4
    const f = only(track(c.packets).report);
    expect(path(f, 'server').at(-1)).toBe('ESTABLISHED>CLOSED@4');
    expect(path(f, 'client').at(-1)).toBe('ESTABLISHED>CLOSED@4');
    expect(f.finalState).toEqual({ client: 'CLOSED', server: 'CLOSED' });
  });
});

describe('LISTEN', () => {
  it('CLOSED + SYN received -> LISTEN (server)', () => {
    const c = new Conversation();
    c.c('S');
    expect(only(track(c.packets).report).finalState).toEqual({ client: 'SYN-SENT', server: 'LISTEN' });
  });
  it('LISTEN + SYN-ACK sent -> SYN-RECEIVED, dated back to the SYN it acknowledges', () => {
    const c = new Conversation();
    c.c('S');
    c.s('SA', { dt: 0.5 });
    const f = only(track(c.packets).report);
    // The SYN-ACK (2) acknowledges the SYN (1): the server entered SYN-RECEIVED when the SYN arrived.
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>SYN-RECEIVED@1']);
    expect(f.transitions.find((t) => t.to === 'SYN-RECEIVED')?.time).toBe(f.start);
  });
  it('LISTEN + RST sent (connection refused) -> CLOSED', () => {
    const c = new Conversation();
    c.c('S');
    c.s('RA', { seq: 0 });
    const f = only(track(c.packets).report);
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>CLOSED@2']);
    expect(path(f, 'client')).toEqual(['CLOSED>SYN-SENT@1', 'SYN-SENT>CLOSED@2']);
  });
});

describe('SYN-SENT', () => {
  it('CLOSED + SYN sent -> SYN-SENT; + SYN-ACK received -> ESTABLISHED', () => {
    const c = new Conversation();
    c.c('S');
    c.s('SA');
    expect(path(only(track(c.packets).report), 'client')).toEqual(['CLOSED>SYN-SENT@1', 'SYN-SENT>ESTABLISHED@2']);
  });
  it('SYN-SENT + RST received -> CLOSED', () => {
    const c = new Conversation();
    c.c('S');
    c.c('S', { seq: 1000, dt: 1 }); // retransmitted SYN
    c.s('RA', { seq: 0 });
    const f = only(track(c.packets).report);
    expect(path(f, 'client')).toEqual(['CLOSED>SYN-SENT@1', 'SYN-SENT>CLOSED@3']);
  });
  it('SYN-SENT + SYN received (simultaneous open) -> SYN-RECEIVED -> ESTABLISHED', () => {
    const c = new Conversation();
    c.c('S'); // 1
    c.s('S'); // 2: the other side opens too
    c.c('SA', { seq: 1000 }); // 3
    c.s('SA', { seq: 5000 }); // 4
    const f = only(track(c.packets).report);
    expect(path(f, 'client')).toEqual(['CLOSED>SYN-SENT@1', 'SYN-SENT>SYN-RECEIVED@2', 'SYN-RECEIVED>ESTABLISHED@4']);
    // The server's SYN-ACK (4) acknowledges the client's SYN (1): SYN-RECEIVED dated back to it.
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>SYN-RECEIVED@1']);
  });
  it('SYN-SENT + FIN sent (close before the answer) -> CLOSED', () => {
    const c = new Conversation();
    c.c('S');
    c.c('F', { dt: 1 });
    expect(path(only(track(c.packets).report), 'client')).toEqual(['CLOSED>SYN-SENT@1', 'SYN-SENT>CLOSED@2']);
  });
});

describe('SYN-RECEIVED', () => {
  it('LISTEN + SYN-ACK sent -> SYN-RECEIVED; + ACK of its SYN -> ESTABLISHED', () => {
    const f = only(track(new Conversation().handshake().packets).report);
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>SYN-RECEIVED@1', 'SYN-RECEIVED>ESTABLISHED@3']);
    expect(f.handshake).toBe('complete');
  });
  it('an ACK that does not acknowledge the SYN leaves it in SYN-RECEIVED', () => {
    const c = new Conversation();
    c.c('S');
    c.s('SA');
    c.c('A', { ack: 4000 });
    const f = only(track(c.packets).report);
    expect(f.finalState.server).toBe('SYN-RECEIVED');
    expect(f.handshake).toBe('partial');
  });
  it('SYN-RECEIVED + RST received -> CLOSED', () => {
    const c = new Conversation();
    c.c('S');
    c.s('SA');
    c.c('R');
    const f = only(track(c.packets).report);
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>SYN-RECEIVED@1', 'SYN-RECEIVED>CLOSED@3']);
    expect(path(f, 'client')).toEqual(['CLOSED>SYN-SENT@1', 'SYN-SENT>ESTABLISHED@2', 'ESTABLISHED>CLOSED@3']);
  });
  it('a SYN-ACK without the SYN: server CLOSED -> SYN-RECEIVED, client CLOSED -> ESTABLISHED', () => {
    const c = new Conversation();
    c.s('SA', { ack: 1001 });
    c.c('A', { seq: 1001 });
    const f = only(track(c.packets).report);
    expect(f.client).toBe('10.0.0.1:40000');
    expect(path(f, 'server')).toEqual(['CLOSED>SYN-RECEIVED@1', 'SYN-RECEIVED>ESTABLISHED@2']);
    expect(path(f, 'client')).toEqual(['CLOSED>ESTABLISHED@1']);
    expect(f.handshake).toBe('partial');
  });
});

describe('ESTABLISHED', () => {
  it('the handshake brings both endpoints to ESTABLISHED and data keeps them there', () => {
    const c = new Conversation().handshake();
    c.c('PA', { len: 100 });
    c.s('PA', { len: 200 });
    const f = only(track(c.packets).report);
    expect(f.finalState).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    expect(path(f, 'client')).toEqual(['CLOSED>SYN-SENT@1', 'SYN-SENT>ESTABLISHED@2']);
  });
  it('ESTABLISHED + FIN sent -> FIN-WAIT-1; the receiver -> CLOSE-WAIT when the FIN arrives (§3.10.7.4 eighth check)', () => {
    const c = new Conversation().handshake();
    c.c('FA'); // 4
    c.s('A'); // 5
    const f = only(track(c.packets).report);
    expect(path(f, 'client').slice(-2)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>FIN-WAIT-2@5']);
    expect(path(f, 'server').at(-1)).toBe('ESTABLISHED>CLOSE-WAIT@4');
    expect(f.closedBy).toBe('client');
  });
  it('a FIN nobody acknowledges still moves its receiver when it arrives', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    expect(only(track(c.packets).report).finalState).toEqual({ client: 'FIN-WAIT-1', server: 'CLOSE-WAIT' });
  });
});

describe('FIN-WAIT-1', () => {
  it('FIN-WAIT-1 + ACK of the FIN -> FIN-WAIT-2', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('A');
    expect(path(only(track(c.packets).report), 'client').slice(-2)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>FIN-WAIT-2@5']);
  });
  it('FIN-WAIT-1 + FIN+ACK acknowledging its FIN -> FIN-WAIT-2 (fifth check), then TIME-WAIT (eighth check), both at its arrival', () => {
    const c = new Conversation().handshake();
    c.c('FA'); // 4
    c.s('FA'); // 5
    c.c('A'); // 6
    const f = only(track(c.packets).report);
    expect(path(f, 'client').slice(-3)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>FIN-WAIT-2@5', 'FIN-WAIT-2>TIME-WAIT@5']);
    expect(path(f, 'server').slice(-3)).toEqual(['ESTABLISHED>CLOSE-WAIT@4', 'CLOSE-WAIT>LAST-ACK@5', 'LAST-ACK>CLOSED@6']);
  });
  it('FIN-WAIT-1 + RST received -> CLOSED', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('R');
    expect(path(only(track(c.packets).report), 'client').slice(-2)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>CLOSED@5']);
  });
});

describe('FIN-WAIT-2', () => {
  it('FIN-WAIT-2 + FIN received -> TIME-WAIT at the FIN, not at its acknowledgment', () => {
    const f = only(track(clientCloses().packets).report);
    expect(path(f, 'client').slice(-3)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>FIN-WAIT-2@5', 'FIN-WAIT-2>TIME-WAIT@6']);
  });
  it('FIN-WAIT-2 + RST received -> CLOSED', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('A');
    c.s('RA');
    expect(path(only(track(c.packets).report), 'client').at(-1)).toBe('FIN-WAIT-2>CLOSED@6');
  });
});

describe('CLOSE-WAIT', () => {
  it('CLOSE-WAIT + FIN sent -> LAST-ACK', () => {
    const f = only(track(clientCloses().packets).report);
    expect(path(f, 'server').slice(-3)).toEqual(['ESTABLISHED>CLOSE-WAIT@4', 'CLOSE-WAIT>LAST-ACK@6', 'LAST-ACK>CLOSED@7']);
  });
  it('CLOSE-WAIT + RST sent -> CLOSED; the peer in FIN-WAIT-2 -> CLOSED', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('A');
    c.s('RA');
    const f = only(track(c.packets).report);
    expect(path(f, 'server').slice(-2)).toEqual(['ESTABLISHED>CLOSE-WAIT@4', 'CLOSE-WAIT>CLOSED@6']);
    expect(path(f, 'client').at(-1)).toBe('FIN-WAIT-2>CLOSED@6');
  });
});

describe('CLOSING', () => {
  it('simultaneous close: FIN-WAIT-1 + FIN received -> CLOSING; + ACK of its FIN -> TIME-WAIT', () => {
    const c = new Conversation().handshake();
    c.c('FA'); // 4
    c.s('FA', { ack: 1001 }); // 5: crosses the client's FIN, does not acknowledge it
    c.c('A'); // 6: acknowledges the server's FIN
    c.s('A'); // 7: acknowledges the client's FIN
    const f = only(track(c.packets).report);
    // The client takes the server's FIN when it arrives (5): its own FIN is not acknowledged yet.
    expect(path(f, 'client').slice(-3)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>CLOSING@5', 'CLOSING>TIME-WAIT@7']);
    // The server's FIN (5) does not acknowledge the client's FIN (4): it had not taken it when it
    // sent its own. No copy follows, so it takes it at its ACK (7), the latest time it can have,
    // marked uncertain; meanwhile the client's ACK (6) moved it to FIN-WAIT-2.
    expect(path(f, 'server').slice(-3)).toEqual(['ESTABLISHED>FIN-WAIT-1@5', 'FIN-WAIT-1>FIN-WAIT-2@6', 'FIN-WAIT-2>TIME-WAIT@7']);
    expect(f.transitions.filter((t) => t.uncertain).map((t) => `${t.endpoint} ${t.to}@${t.packet}`)).toEqual(['server TIME-WAIT@7']);
    expect(f.finalState).toEqual({ client: 'TIME-WAIT', server: 'TIME-WAIT' });
    expect(f.closedBy).toBe('client');
  });
  it('CLOSING + RST received -> CLOSED', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('FA', { ack: 1001 });
    c.c('A');
    c.s('R', { dt: 1 });
    expect(path(only(track(c.packets).report), 'client').slice(-2)).toEqual(['FIN-WAIT-1>CLOSING@5', 'CLOSING>CLOSED@7']);
  });
});

describe('LAST-ACK', () => {
  it('LAST-ACK + ACK of its FIN -> CLOSED', () => {
    const f = only(track(clientCloses().packets).report);
    expect(f.finalState).toEqual({ client: 'TIME-WAIT', server: 'CLOSED' });
    expect(path(f, 'server').at(-1)).toBe('LAST-ACK>CLOSED@7');
  });
  it('LAST-ACK + RST received -> CLOSED', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('FA');
    c.c('R');
    const f = only(track(c.packets).report);
    expect(path(f, 'server').slice(-2)).toEqual(['CLOSE-WAIT>LAST-ACK@5', 'LAST-ACK>CLOSED@6']);
    // The client took the server's FIN at 5 (TIME-WAIT); its reset ends that.
    expect(path(f, 'client').slice(-2)).toEqual(['FIN-WAIT-2>TIME-WAIT@5', 'TIME-WAIT>CLOSED@6']);
  });
});

describe('TIME-WAIT', () => {
  it('the active closer holds TIME-WAIT for 2*MSL in the ledger', () => {
    const { report, sink } = track(clientCloses().packets, { timeWait: 30 });
    const f = only(report);
    expect(f.closedBy).toBe('client');
    expect(sink.lines.filter((l) => l.startsWith('hold client') || l.startsWith('release client'))).toEqual([
      'hold client tcpHalfOpen @1', 'hold client tcpConnections @2', 'hold client tcpTimeWait @6 until+30',
    ]);
  });
  it('a retransmitted FIN keeps TIME-WAIT; a RST ends it (RFC 9293 §3.10.7.4)', () => {
    const c = clientCloses();
    c.s('FA', { seq: 5001 }); // 8: the server's FIN again
    c.s('R', { dt: 1 }); // 9
    const f = only(track(c.packets).report);
    expect(path(f, 'client').slice(-2)).toEqual(['FIN-WAIT-2>TIME-WAIT@6', 'TIME-WAIT>CLOSED@9']);
    // Packet 8 is a second copy of the FIN that moved the client at 6: that time is now uncertain.
    expect(f.transitions.find((t) => t.to === 'TIME-WAIT')?.uncertain).toBe(true);
  });
});

describe('on-receipt transitions: first copy, uncertain copies, dating back', () => {
  /** "endpoint FROM>TO@packet" of the transitions marked uncertain. */
  const uncertain = (c: Conversation): string[] =>
    only(track(c.packets).report).transitions.filter((t) => t.uncertain).map((t) => `${t.endpoint} ${t.from}>${t.to}@${t.packet}`);

  it('a retransmitted FIN: the receiver moves at the first copy, and the transition is uncertain', () => {
    const c = new Conversation().handshake();
    c.c('FA'); // 4: its ACK is lost before the capture point
    c.c('FA', { seq: 1001, dt: 0.2 }); // 5: the same FIN again
    c.s('A', { dt: 0.001 }); // 6
    const f = only(track(c.packets).report);
    expect(path(f, 'server').at(-1)).toBe('ESTABLISHED>CLOSE-WAIT@4');
    expect(path(f, 'client').slice(-2)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>FIN-WAIT-2@6']);
    expect(uncertain(c)).toEqual(['server ESTABLISHED>CLOSE-WAIT@4']);
  });
  it('a FIN the receiver had not taken (its data does not acknowledge it) moves to the copy that followed', () => {
    const c = new Conversation().handshake();
    c.c('FA'); // 4: lost after the capture point
    c.s('PA', { len: 10, ack: 1001 }); // 5: the server's data acknowledges 1001, not the FIN (1002)
    c.c('FA', { seq: 1001, dt: 0.2 }); // 6: the FIN again; the server takes this one
    c.s('A'); // 7: acknowledges the FIN (1002)
    const { report, sink } = track(c.packets);
    const f = only(report);
    expect(path(f, 'server').slice(1)).toEqual(['LISTEN>SYN-RECEIVED@1', 'SYN-RECEIVED>ESTABLISHED@3', 'ESTABLISHED>CLOSE-WAIT@6']);
    expect(uncertain(c)).toEqual(['server ESTABLISHED>CLOSE-WAIT@6']);
    // ESTABLISHED and CLOSE-WAIT are both a tcpConnections entry: taking the FIN back tells the ledger nothing.
    expect(sink.lines.filter((l) => l.startsWith('hold server'))).toEqual(['hold server tcpHalfOpen @2', 'hold server tcpConnections @3']);
  });
  it('a TIME-WAIT taken back (the FIN-WAIT-2 endpoint had not taken the FIN) is returned to the ledger as a connection', () => {
    const c = new Conversation().handshake();
    c.c('FA'); // 4
    c.s('A'); // 5: client FIN-WAIT-2
    c.s('FA', { dt: 0.1 }); // 6: client TIME-WAIT at arrival...
    c.c('A', { ack: 5001, dt: 0.05 }); // 7: ...but its ACK does not cover the FIN (5002): it had not taken it
    c.s('FA', { seq: 5001, dt: 0.2 }); // 8: the FIN again
    c.c('A', { ack: 5002 }); // 9
    const { report, sink } = track(c.packets, { timeWait: 60 });
    const f = only(report);
    expect(path(f, 'client').slice(-2)).toEqual(['FIN-WAIT-1>FIN-WAIT-2@5', 'FIN-WAIT-2>TIME-WAIT@8']);
    expect(sink.lines.filter((l) => l.startsWith('hold client'))).toEqual([
      'hold client tcpHalfOpen @1', 'hold client tcpConnections @2',
      'hold client tcpTimeWait @6 until+60', // at the first copy
      'hold client tcpConnections @7', // taken back at 7
      'hold client tcpTimeWait @8 until+60', // the copy that followed
    ]);
  });
  it('a retransmitted SYN: SYN-RECEIVED dated back to the first copy, uncertain; the client moves at the SYN-ACK', () => {
    const c = new Conversation();
    c.c('S'); // 1: its SYN-ACK is lost before the capture point
    c.c('S', { seq: 1000, dt: 1 }); // 2
    c.s('SA', { dt: 0.001 }); // 3
    c.c('A'); // 4
    const { report, sink } = track(c.packets);
    const f = only(report);
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>SYN-RECEIVED@1', 'SYN-RECEIVED>ESTABLISHED@4']);
    expect(path(f, 'client')).toEqual(['CLOSED>SYN-SENT@1', 'SYN-SENT>ESTABLISHED@3']);
    expect(uncertain(c)).toEqual(['server LISTEN>SYN-RECEIVED@1']);
    // The ledger is streamed in packet order: the server's half-open entry starts at its SYN-ACK.
    expect(sink.lines.filter((l) => l.startsWith('hold server'))).toEqual(['hold server tcpHalfOpen @3', 'hold server tcpConnections @4']);
  });
  it('a retransmitted SYN-ACK makes the client\'s ESTABLISHED uncertain', () => {
    const c = new Conversation();
    c.c('S'); // 1
    c.s('SA'); // 2
    c.s('SA', { seq: 5000, dt: 1 }); // 3: the client's ACK was lost before the capture point
    c.c('A'); // 4
    const f = only(track(c.packets).report);
    expect(path(f, 'client')).toEqual(['CLOSED>SYN-SENT@1', 'SYN-SENT>ESTABLISHED@2']);
    expect(uncertain(c)).toEqual(['client SYN-SENT>ESTABLISHED@2']);
  });
  it('a clean connection has no uncertain transition, and the field is absent rather than false', () => {
    const f = only(track(clientCloses().packets).report);
    expect(f.transitions.filter((t) => 'uncertain' in t)).toEqual([]);
  });
  it('a dated-back transition keeps the list in packet order', () => {
    const c = new Conversation();
    c.c('S'); // 1
    c.c('S', { seq: 1000, dt: 1 }); // 2
    c.s('SA', { dt: 0.001 }); // 3
    const f = only(track(c.packets).report);
    expect(f.transitions.map((t) => `${t.endpoint} ${t.to}@${t.packet}`)).toEqual([
      'client SYN-SENT@1', 'server LISTEN@1', 'server SYN-RECEIVED@1', 'client ESTABLISHED@3',
    ]);
  });
  it('a SYN nobody answers creates no server state: LISTEN is assumed, never SYN-RECEIVED', () => {
    const c = new Conversation();
    c.c('S'); // 1
    c.c('S', { seq: 1000, dt: 1 }); // 2
    c.c('S', { seq: 1000, dt: 2 }); // 3
    const { report, sink } = track(c.packets);
    expect(path(only(report), 'server')).toEqual(['CLOSED>LISTEN@1']);
    expect(sink.lines.filter((l) => l.includes('server'))).toEqual([]);
  });
});
