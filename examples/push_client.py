#!/usr/bin/python3
"""A minimal client of vigil's msgpack push protocol v1 (docs/protocol.md).

Writes two series and prints the ack, over TCP (connect to the ingest port,
hello, write) or as one HTTP request (POST /api/v1/push); vigild serves
both. Needs Debian's python3-msgpack (run with /usr/bin/python3):

    /usr/bin/python3 examples/push_client.py --http http://127.0.0.1:9470 --token s3cret
    /usr/bin/python3 examples/push_client.py --port 9471 --token s3cret
"""

import argparse
import socket
import sys
import time
import urllib.error
import urllib.request

import msgpack


def write_message(seq, series):
    """A write message; series is a list of (labels dict, [(t_ms, value), ...])."""
    body = [[labels, [t for t, _ in samples], [float(v) for _, v in samples]]
            for labels, samples in series]
    return msgpack.packb(["write", seq, body])


def http_write(url, token, series):
    """POSTs one write to url/api/v1/push; returns the ack or error message."""
    request = urllib.request.Request(
        url.rstrip("/") + "/api/v1/push", data=write_message(1, series), method="POST",
        headers={"Content-Type": "application/msgpack", "Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return msgpack.unpackb(response.read(), raw=False)
    except urllib.error.HTTPError as e:  # the body is the error message
        return msgpack.unpackb(e.read(), raw=False)


class PushClient:
    """One connection; writes are pipelined up to the server's max_inflight
    and answered in order, so answers are matched with a FIFO of seqs."""

    def __init__(self, host, port, token, client="push_client.py/1"):
        self.sock = socket.create_connection((host, port))
        self.unpacker = msgpack.Unpacker(raw=False, use_list=True)
        self.next_seq = 1
        self.pending = []  # seqs of unanswered writes, oldest first
        self._send(["hello", 1, {"token": token, "client": client}])
        reply = self._read()
        if reply[0] != "welcome":
            raise RuntimeError("handshake refused: %s: %s" % (reply[2], reply[3]))
        self.node = reply[2]["node"]
        self.max_message_bytes = reply[2]["max_message_bytes"]
        self.max_inflight = reply[2]["max_inflight"]

    def write(self, series):
        """Sends one write; series is a list of (labels dict, [(t_ms, value), ...]).
        Returns its seq. Waits for answers first if max_inflight are pending."""
        while len(self.pending) >= self.max_inflight:
            self.answer()
        seq = self.next_seq
        self.next_seq += 1
        message = write_message(seq, series)
        if len(message) > self.max_message_bytes:
            raise ValueError("write of %d bytes exceeds max_message_bytes" % len(message))
        self.sock.sendall(message)
        self.pending.append(seq)
        return seq

    def answer(self):
        """Reads until the oldest pending write is answered; returns the ack
        or error message (pongs in between are skipped). An error without a
        seq is about the connection, which the server then closes."""
        while True:
            reply = self._read()
            if reply[0] == "pong":
                continue
            if reply[0] == "error" and reply[1] is None:
                raise ConnectionError("server: %s: %s" % (reply[2], reply[3]))
            expected = self.pending.pop(0)
            if reply[1] is not None and reply[1] != expected:
                raise RuntimeError("answer for seq %s, expected %s" % (reply[1], expected))
            return reply

    def close(self):
        self.sock.close()

    def _send(self, message):
        self.sock.sendall(msgpack.packb(message))

    def _read(self):
        while True:
            for message in self.unpacker:
                return message
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("server closed the connection")
            self.unpacker.feed(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="the ingest port (TCP)")
    parser.add_argument("--http", help="the node's HTTP address, e.g. http://127.0.0.1:9470")
    parser.add_argument("--token", default="")
    args = parser.parse_args()
    if not args.port and not args.http:
        parser.error("give --port (TCP) or --http")

    now = int(time.time() * 1000)
    series = [
        ({"__name__": "up", "job": "push_client"}, [(now - 15000, 1), (now, 1)]),
        ({"__name__": "temp_celsius", "room": "lab"}, [(now, 21.5)]),
    ]
    if args.http:
        return report(http_write(args.http, args.token, series))
    client = PushClient(args.host, args.port, args.token)
    print("connected to %s (max_message_bytes %d, max_inflight %d)"
          % (client.node, client.max_message_bytes, client.max_inflight))
    client.write(series)
    reply = client.answer()
    client.close()
    return report(reply)


def report(reply):
    """Prints an ack or error message; the exit code."""
    if reply[0] == "ack":
        _, seq, accepted, issues = reply
        print("write %d: %d samples stored" % (seq, accepted))
        for index, code, message in issues:
            print("  series %d: %s: %s" % (index, code, message))
    else:
        _, seq, code, message = reply
        print("write %s: error %s: %s" % (seq, code, message))
    return 0 if reply[0] == "ack" else 1


if __name__ == "__main__":
    sys.exit(main())
