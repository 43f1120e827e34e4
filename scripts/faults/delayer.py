#!/usr/bin/env python3
"""Holds each packet of netfilter queue QUEUE for DELAY ± JITTER ms (normal), then lets it go.

Used by slow.sh where the kernel has no netem: iptables sends a host's packets to an NFQUEUE (with
--queue-bypass, so they pass if this process is gone) and this process gives its verdicts late.
Speaks the nfnetlink_queue protocol directly (no library). Run: delayer.py QUEUE DELAY_MS JITTER_MS
"""
import heapq, random, select, socket, struct, sys, time

NETLINK_NETFILTER, SUBSYS_QUEUE = 12, 3
MSG_PACKET, MSG_VERDICT, MSG_CONFIG = 0, 1, 2
CFG_CMD, CFG_PARAMS, CFG_QUEUE_MAXLEN = 1, 2, 3
CMD_BIND, COPY_META, NF_ACCEPT = 1, 1, 1
PACKET_HDR, VERDICT_HDR = 1, 2


def attr(kind, payload):
    size = 4 + len(payload)
    return struct.pack("=HH", size, kind) + payload + b"\0" * ((4 - size % 4) % 4)


def message(sock, kind, queue, attrs):
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + b"".join(attrs)
    sock.send(struct.pack("=IHHII", 16 + len(body), (SUBSYS_QUEUE << 8) | kind, 1, 0, 0) + body)


def packet_ids(data):
    offset = 0
    while offset + 16 <= len(data):
        size, kind = struct.unpack_from("=IH", data, offset)
        if kind & 0xFF == MSG_PACKET and kind >> 8 == SUBSYS_QUEUE:
            at = offset + 20
            while at + 4 <= offset + size:
                alen, atype = struct.unpack_from("=HH", data, at)
                if atype & 0x7FFF == PACKET_HDR:
                    yield struct.unpack_from("!I", data, at + 4)[0]
                at += (alen + 3) & ~3
        offset += (size + 3) & ~3 if size else len(data)


def main(queue, delay_ms, jitter_ms):
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((0, 0))
    message(sock, MSG_CONFIG, queue, [attr(CFG_CMD, struct.pack("!BBH", CMD_BIND, 0, 0))])
    message(sock, MSG_CONFIG, queue, [attr(CFG_PARAMS, struct.pack("!IB", 0, COPY_META)),
                                      attr(CFG_QUEUE_MAXLEN, struct.pack("!I", 20000))])
    held = []
    while True:
        timeout = max(0.0, held[0][0] - time.monotonic()) if held else None
        if select.select([sock], [], [], timeout)[0]:
            try:
                data = sock.recv(1 << 16)
            except OSError:  # ENOBUFS: the kernel dropped some, as a lossy link would
                continue
            for packet_id in packet_ids(data):
                wait = max(0.0, random.gauss(delay_ms, jitter_ms)) / 1000
                heapq.heappush(held, (time.monotonic() + wait, packet_id))
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, packet_id = heapq.heappop(held)
            message(sock, MSG_VERDICT, queue, [attr(VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet_id))])


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]))
