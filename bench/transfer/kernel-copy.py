"""The kernel baseline of `npm run bench:transfer`: the best this machine does
moving one file over loopback TCP into another file.

  python3 kernel-copy.py serve FILE        prints {"event":"listening","port":N},
                                           answers one request with sendfile(2)
  python3 kernel-copy.py fetch PORT OUT    prints {"event":"ready"}; on a "go" line
                                           on stdin connects, asks, recv_into a
                                           reused 1 MiB buffer, write(2)s to OUT,
                                           closes OUT, prints {"event":"done",...}

Both then wait for stdin to close, so that the harness can read their peak
memory from /proc before they exit. Loopback only.
"""

import json
import os
import socket
import sys

HOST = "127.0.0.1"
BUFFER_BYTES = 1024 * 1024


def say(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def wait_for_stdin_eof():
    while sys.stdin.readline():
        pass


def serve(path):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((HOST, 0))
    listener.listen(1)
    say({"event": "listening", "port": listener.getsockname()[1]})
    connection, _ = listener.accept()
    listener.close()
    connection.recv(64)  # the request line
    fd = os.open(path, os.O_RDONLY)
    size = os.fstat(fd).st_size
    offset = 0
    while offset < size:
        sent = os.sendfile(connection.fileno(), fd, offset, size - offset)
        if sent == 0:
            break
        offset += sent
    os.close(fd)
    connection.close()
    say({"event": "sent", "bytes": offset})
    wait_for_stdin_eof()


def fetch(port, out_path):
    buffer = bytearray(BUFFER_BYTES)
    view = memoryview(buffer)
    say({"event": "ready"})
    if sys.stdin.readline().strip() != "go":
        return
    connection = socket.create_connection((HOST, port))
    connection.sendall(b"GET\n")
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    received = 0
    while True:
        count = connection.recv_into(buffer)
        if count == 0:
            break
        written = 0
        while written < count:
            written += os.write(fd, view[written:count])
        received += count
    os.close(fd)
    connection.close()
    say({"event": "done", "bytes": received})
    wait_for_stdin_eof()


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "fetch":
        fetch(int(sys.argv[2]), sys.argv[3])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
