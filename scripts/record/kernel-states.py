#!/usr/bin/env python3
"""One scenario of the kernel-states oracle (run by kernel-states.sh inside a fresh network namespace).

Real sockets on the namespace's loopback (127.0.0.1, server port 5000, client port 40001). tcpdump
records the connection while a sampler reads the kernel's socket table every 20 ms, as
`ss -tanH state all` shows it, and keeps the rows of this connection with the moments just before
and after each read. A second thread runs `ss -tanH state all` itself every 0.3 s between two reads
of the table: whenever both reads agree, ss must show the same rows (else the recording fails). nftables rules drop chosen
segments for a while: in the `output` hook, before tcpdump sees them (lost before the capture point,
invisible), or in the `input` hook, after it (on the wire, never received).

Writes OUT/NAME.pcap and OUT/NAME.json: { scenario, description, client, server, kernel, judged,
ssChecks, samples: [[t0, t1, [[local, peer, state], ...]], ...] } with times in seconds since the epoch.
"""
import json, os, select, socket, struct, subprocess, sys, threading, time

ADDR, PORT, CPORT = '127.0.0.1', 5000, 40001
FIN_TIMEOUT = 2  # seconds, net.ipv4.tcp_fin_timeout in the orphan-fin-wait-2 namespace (Linux default 60)


def nft(script):
    subprocess.run(['nft', '-f', '-'], input=script, text=True, check=True)


def drop(hook, rule):
    """Drops the segments `rule` matches in `hook` (output: before the capture; input: after)."""
    nft(f'table inet k {{\n  chain c {{\n    type filter hook {hook} priority 0;\n    {rule} drop\n  }}\n}}\n')


def undrop():
    nft('delete table inet k\n')


# /proc/net/tcp state codes (include/net/tcp_states.h) under the names `ss` prints.
STATES = {1: 'ESTAB', 2: 'SYN-SENT', 3: 'SYN-RECV', 4: 'FIN-WAIT-1', 5: 'FIN-WAIT-2', 6: 'TIME-WAIT', 7: 'UNCONN',
          8: 'CLOSE-WAIT', 9: 'LAST-ACK', 10: 'LISTEN', 11: 'CLOSING', 12: 'SYN-RECV'}


def endpoint(hex_endpoint):
    address, port = hex_endpoint.split(':')
    return f'{socket.inet_ntoa(struct.pack("<I", int(address, 16)))}:{int(port, 16)}'


def read_sockets():
    """The namespace's TCP sockets as `ss -tanH state all` lists them: [local, peer, state].

    /proc/net/tcp is the table ss reads over netlink (request sockets as SYN-RECV, TIME-WAIT and
    orphaned FIN-WAIT-2 sockets by their substate). Read in-process it costs ~0.1 ms; spawning ss
    costs 20-200 ms on a loaded machine, too coarse for 20 ms samples."""
    rows = []
    with open('/proc/net/tcp') as f:
        next(f)
        for line in f:
            fields = line.split()
            local, peer, state = endpoint(fields[1]), endpoint(fields[2]), STATES.get(int(fields[3], 16), fields[3])
            if (local.endswith(f':{PORT}') or peer.endswith(f':{PORT}')) and not peer.endswith(':0'):
                rows.append([local, peer, state])
    return rows


def ss_rows():
    """`ss -tanH state all` itself, to check read_sockets against it."""
    out = subprocess.run(['ss', '-tanH', 'state', 'all'], capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 5 and (f[3].endswith(f':{PORT}') or f[4].endswith(f':{PORT}')) and not f[4].endswith('*'):
            rows.append([f[3], f[4], f[0]])
    return rows


class Sampler(threading.Thread):
    """Samples the socket table every `interval(elapsed)` seconds; each sample keeps the moments
    just before and after the read."""

    def __init__(self, interval):
        super().__init__(daemon=True)
        self.interval, self.samples, self.stopped = interval, [], threading.Event()
        self.start_time = time.time()

    def run(self):
        while not self.stopped.is_set():
            t0 = time.time()
            rows = read_sockets()
            t1 = time.time()
            self.samples.append([round(t0, 6), round(t1, 6), rows])
            wait = self.interval(t0 - self.start_time) - (time.time() - t0)
            if wait > 0:
                self.stopped.wait(wait)


class SsCheck(threading.Thread):
    """Every 0.3 s: table, ss, table. When the two table reads agree, nothing changed meanwhile and
    ss must list the same rows."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopped, self.checks, self.mismatches = threading.Event(), 0, []

    def run(self):
        while not self.stopped.wait(0.3):
            before, ss, after = sorted(read_sockets()), sorted(ss_rows()), sorted(read_sockets())
            if before != after:
                continue
            self.checks += 1
            if ss != before:
                self.mismatches.append([before, ss])


def listener():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ADDR, PORT))
    s.listen(8)
    return s


def client():
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((ADDR, CPORT))
    return c


def connected(ls):
    """A connection whose handshake completes at once; the exchange of a request and a response."""
    c = client()
    c.connect((ADDR, PORT))
    s, _ = ls.accept()
    time.sleep(0.2)
    c.sendall(b'hello')
    s.recv(100)
    s.sendall(b'world')
    c.recv(100)
    time.sleep(0.3)
    return c, s


def client_closes_first(ls):
    c, s = connected(ls)
    c.close()  # FIN; the server's kernel acknowledges it ~40 ms later (delayed ACK)
    time.sleep(0.4)
    s.close()
    time.sleep(0.4)


def server_closes_first(ls):
    c, s = connected(ls)
    s.close()
    time.sleep(0.4)
    c.close()
    time.sleep(0.4)


def abortive_close(ls):
    c, s = connected(ls)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    c.close()  # SO_LINGER 0: a RST instead of a FIN
    time.sleep(0.4)
    s.close()
    time.sleep(0.2)


def half_close(ls):
    c, s = connected(ls)
    c.shutdown(socket.SHUT_WR)  # FIN; the client can still receive
    time.sleep(0.3)
    s.sendall(b'data after the FIN 1')
    time.sleep(0.3)
    s.sendall(b'data after the FIN 2')
    time.sleep(0.3)
    s.close()
    time.sleep(0.3)
    c.recv(100)
    c.close()
    time.sleep(0.3)


def simultaneous_close(ls):
    c, s = connected(ls)
    drop('input', 'tcp flags & fin == fin')  # both FINs are on the wire (captured) before either arrives
    c.shutdown(socket.SHUT_WR)
    time.sleep(0.05)
    s.shutdown(socket.SHUT_WR)
    time.sleep(0.25)
    undrop()  # the next retransmitted FIN arrives at a peer in FIN-WAIT-1: CLOSING
    time.sleep(1.5)
    c.close()
    s.close()
    time.sleep(0.3)


def fin_ack_dropped(ls):
    c, s = connected(ls)
    drop('output', f'tcp sport {PORT}')  # the server's ACKs are lost before the capture point
    c.shutdown(socket.SHUT_WR)  # FIN-WAIT-1 lasts; the FIN is retransmitted
    time.sleep(0.7)
    undrop()
    time.sleep(1.3)
    s.close()
    time.sleep(0.3)
    c.close()
    time.sleep(0.3)


def fin_invisible(ls):
    c, s = connected(ls)
    drop('output', f'tcp dport {PORT} tcp flags & fin == fin')  # the client's FINs are lost before the capture point
    c.shutdown(socket.SHUT_WR)  # the kernel is in FIN-WAIT-1 with no FIN in the capture
    time.sleep(0.5)
    undrop()  # a retransmitted FIN is the first one captured
    time.sleep(1.0)
    s.close()
    time.sleep(0.3)
    c.close()
    time.sleep(0.3)


def orphan_fin_wait_2(ls):
    subprocess.run(['sysctl', '-qw', f'net.ipv4.tcp_fin_timeout={FIN_TIMEOUT}'], check=True)
    c, s = connected(ls)
    c.close()  # orphaned: Linux ends its FIN-WAIT-2 after tcp_fin_timeout (set short in this namespace)
    time.sleep(FIN_TIMEOUT + 1.0)
    s.close()  # the FIN finds no socket: the client's kernel answers with a RST
    time.sleep(0.3)


def syn_ack_dropped(ls):
    drop('output', f'tcp sport {PORT} tcp flags & (syn|ack) == syn|ack')  # SYN-SENT lasts; the SYN is retransmitted
    c = client()
    c.setblocking(False)
    c.connect_ex((ADDR, PORT))
    time.sleep(0.6)
    undrop()
    select.select([], [c], [], 5)  # connected once a retransmitted SYN (~1 s) is answered
    c.setblocking(True)
    s, _ = ls.accept()  # after the retransmitted SYN (~1 s) is answered
    time.sleep(0.3)
    c.close()
    time.sleep(0.3)
    s.close()
    time.sleep(0.3)


def final_ack_dropped(ls):
    drop('output', f'tcp dport {PORT} tcp flags & (syn|ack|fin|rst) == ack')  # SYN-RECEIVED lasts on the server
    c = client()
    c.connect((ADDR, PORT))  # the client is ESTABLISHED at the SYN-ACK
    time.sleep(0.6)
    undrop()  # the server's retransmitted SYN-ACK (~1 s) is acknowledged again, and this ACK arrives
    s, _ = ls.accept()
    time.sleep(0.3)
    c.close()
    time.sleep(0.3)
    s.close()
    time.sleep(0.3)


def time_wait(ls):
    c, s = connected(ls)
    c.close()
    time.sleep(0.2)
    s.close()
    time.sleep(61.5)  # Linux holds TIME-WAIT 60 s (TCP_TIMEWAIT_LEN)


def sparse_middle(elapsed):
    return 1.0 if 3.0 < elapsed < 61.0 else 0.02


SCENARIOS = {
    'client-closes-first': (client_closes_first, 'the client closes first; the server closes 0.4 s later', 'all'),
    'server-closes-first': (server_closes_first, 'the server closes first; the client closes 0.4 s later', 'all'),
    'abortive-close': (abortive_close, 'the client resets the connection (SO_LINGER 0)', 'all'),
    'half-close': (half_close, 'the client shuts down its sending side; the server sends data after the FIN', 'all'),
    'simultaneous-close': (simultaneous_close,
                           'both FINs are captured, then dropped at the input hook for 0.3 s: they cross; the first retransmitted FIN to arrive finds its receiver in FIN-WAIT-1 (CLOSING)',
                           'all'),
    'fin-ack-dropped': (fin_ack_dropped, "the server's ACKs are dropped before the capture point for 0.7 s: FIN-WAIT-1 lasts, the FIN is retransmitted", 'all'),
    'fin-invisible': (fin_invisible, "the client's FINs are dropped before the capture point for 0.5 s: its FIN-WAIT-1 starts before any FIN is captured", 'legal'),
    'orphan-fin-wait-2': (orphan_fin_wait_2, f'the client closes (an orphan socket) and the server keeps its side open {FIN_TIMEOUT + 1} s: Linux ends the orphan FIN-WAIT-2 after tcp_fin_timeout ({FIN_TIMEOUT} s here)', 'all'),
    'syn-ack-dropped': (syn_ack_dropped, 'SYN-ACKs are dropped before the capture point for 0.6 s: SYN-SENT lasts, the SYN is retransmitted', 'all'),
    'final-ack-dropped': (final_ack_dropped, "the client's ACKs are dropped before the capture point for 0.6 s: SYN-RECEIVED lasts on the server", 'all'),
    'time-wait': (time_wait, 'the client closes first and holds TIME-WAIT until the kernel ends it (sampled every second in the middle)', 'all'),
}


def main():
    name, out = sys.argv[1], sys.argv[2]
    run, description, judged = SCENARIOS[name]
    pcap = os.path.join(out, f'{name}.pcap')
    dump = subprocess.Popen(['tcpdump', '-i', 'lo', '--immediate-mode', '-U', '-s', '128', '-w', pcap, f'tcp port {PORT}'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        ls = listener()
        sampler = Sampler(sparse_middle if name == 'time-wait' else (lambda elapsed: 0.02))
        check = SsCheck()
        sampler.start()
        check.start()
        time.sleep(0.2)
        run(ls)
        sampler.stopped.set()
        check.stopped.set()
        sampler.join()
        check.join()
        if check.mismatches:
            sys.exit(f'{name}: ss and /proc/net/tcp disagree: {check.mismatches[:3]}')
        ls.close()
        time.sleep(1.0)
    finally:
        # Also when the scenario fails: no tcpdump outlives its recording.
        dump.terminate()
        dump.wait()
    fixture = {
        'scenario': name, 'description': description, 'client': f'{ADDR}:{CPORT}', 'server': f'{ADDR}:{PORT}',
        'kernel': os.uname().release, 'judged': judged, 'finTimeout': FIN_TIMEOUT if name == 'orphan-fin-wait-2' else 60, 'ssChecks': check.checks, 'samples': sampler.samples,
    }
    with open(os.path.join(out, f'{name}.json'), 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
