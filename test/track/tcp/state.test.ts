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
  it('LISTEN + SYN-ACK sent -> SYN-RECEIVED', () => {
    const c = new Conversation();
    c.c('S');
    c.s('SA');
    expect(path(only(track(c.packets).report), 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>SYN-RECEIVED@2']);
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
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>SYN-RECEIVED@4']);
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
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>SYN-RECEIVED@2', 'SYN-RECEIVED>ESTABLISHED@3']);
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
    expect(path(f, 'server')).toEqual(['CLOSED>LISTEN@1', 'LISTEN>SYN-RECEIVED@2', 'SYN-RECEIVED>CLOSED@3']);
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
  it('ESTABLISHED + FIN sent -> FIN-WAIT-1; the receiver -> CLOSE-WAIT when it acknowledges the FIN', () => {
    const c = new Conversation().handshake();
    c.c('FA'); // 4
    c.s('A'); // 5
    const f = only(track(c.packets).report);
    expect(path(f, 'client').slice(-2)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>FIN-WAIT-2@5']);
    expect(path(f, 'server').at(-1)).toBe('ESTABLISHED>CLOSE-WAIT@5');
    expect(f.closedBy).toBe('client');
  });
  it('a FIN nobody acknowledges leaves its receiver ESTABLISHED', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    expect(only(track(c.packets).report).finalState).toEqual({ client: 'FIN-WAIT-1', server: 'ESTABLISHED' });
  });
});

describe('FIN-WAIT-1', () => {
  it('FIN-WAIT-1 + ACK of the FIN -> FIN-WAIT-2', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('A');
    expect(path(only(track(c.packets).report), 'client').slice(-2)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>FIN-WAIT-2@5']);
  });
  it('FIN-WAIT-1 + FIN+ACK acknowledging its FIN -> FIN-WAIT-2, then TIME-WAIT at its last ACK', () => {
    const c = new Conversation().handshake();
    c.c('FA'); // 4
    c.s('FA'); // 5
    c.c('A'); // 6
    const f = only(track(c.packets).report);
    expect(path(f, 'client').slice(-3)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>FIN-WAIT-2@5', 'FIN-WAIT-2>TIME-WAIT@6']);
    expect(path(f, 'server').slice(-3)).toEqual(['ESTABLISHED>CLOSE-WAIT@5', 'CLOSE-WAIT>LAST-ACK@5', 'LAST-ACK>CLOSED@6']);
  });
  it('FIN-WAIT-1 + RST received -> CLOSED', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('R');
    expect(path(only(track(c.packets).report), 'client').slice(-2)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>CLOSED@5']);
  });
});

describe('FIN-WAIT-2', () => {
  it('FIN-WAIT-2 + FIN received (and acknowledged) -> TIME-WAIT', () => {
    const f = only(track(clientCloses().packets).report);
    expect(path(f, 'client').slice(-3)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>FIN-WAIT-2@5', 'FIN-WAIT-2>TIME-WAIT@7']);
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
    expect(path(f, 'server').slice(-3)).toEqual(['ESTABLISHED>CLOSE-WAIT@5', 'CLOSE-WAIT>LAST-ACK@6', 'LAST-ACK>CLOSED@7']);
  });
  it('CLOSE-WAIT + RST sent -> CLOSED; the peer in FIN-WAIT-2 -> CLOSED', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('A');
    c.s('RA');
    const f = only(track(c.packets).report);
    expect(path(f, 'server').slice(-2)).toEqual(['ESTABLISHED>CLOSE-WAIT@5', 'CLOSE-WAIT>CLOSED@6']);
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
    expect(path(f, 'client').slice(-3)).toEqual(['ESTABLISHED>FIN-WAIT-1@4', 'FIN-WAIT-1>CLOSING@6', 'CLOSING>TIME-WAIT@7']);
    expect(path(f, 'server').slice(-3)).toEqual(['ESTABLISHED>FIN-WAIT-1@5', 'FIN-WAIT-1>FIN-WAIT-2@6', 'FIN-WAIT-2>TIME-WAIT@7']);
    expect(f.finalState).toEqual({ client: 'TIME-WAIT', server: 'TIME-WAIT' });
    expect(f.closedBy).toBe('client');
  });
  it('CLOSING + RST received -> CLOSED', () => {
    const c = new Conversation().handshake();
    c.c('FA');
    c.s('FA', { ack: 1001 });
    c.c('A');
    c.s('R', { dt: 1 });
    expect(path(only(track(c.packets).report), 'client').slice(-2)).toEqual(['FIN-WAIT-1>CLOSING@6', 'CLOSING>CLOSED@7']);
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
    expect(path(f, 'client').at(-1)).toBe('FIN-WAIT-2>CLOSED@6');
  });
});

describe('TIME-WAIT', () => {
  it('the active closer holds TIME-WAIT for 2*MSL in the ledger', () => {
    const { report, sink } = track(clientCloses().packets, { timeWait: 30 });
    const f = only(report);
    expect(f.closedBy).toBe('client');
    expect(sink.lines.filter((l) => l.startsWith('hold client') || l.startsWith('release client'))).toEqual([
      'hold client tcpHalfOpen @1', 'hold client tcpConnections @2', 'hold client tcpTimeWait @7 until+30',
    ]);
  });
  it('a retransmitted FIN keeps TIME-WAIT; a RST ends it (RFC 9293 §3.10.7.4)', () => {
    const c = clientCloses();
    c.s('FA', { seq: 5001 }); // 8: the server's FIN again
    c.s('R', { dt: 1 }); // 9
    const f = only(track(c.packets).report);
    expect(path(f, 'client').slice(-2)).toEqual(['FIN-WAIT-2>TIME-WAIT@7', 'TIME-WAIT>CLOSED@9']);
  });
});
