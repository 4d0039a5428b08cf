"""The kernel baseline of `npm run bench:transfer`: the best this machine does
moving one file over loopback TCP into another file.

  python3 kernel-copy.py serve FILE        prints {"event":"listening","port":N},
                                           answers one request with sendfile(2)
  python3 kernel-copy.py fetch PORT OUT [recv|splice]
                                           prints {"event":"ready"}; on a "go" line
                                           on stdin connects, asks, and writes what
                                           comes to OUT: "recv" (default) with
                                           recv_into a reused 1 MiB buffer and
                                           write(2), "splice" with splice(2)
                                           socket -> pipe -> file (no copy through
                                           user memory); closes OUT, prints
                                           {"event":"done",...}

Both then wait for stdin to close, so that the harness can read their peak
memory from /proc before they exit. Loopback only.
"""

import fcntl
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


def receive_with_recv(connection, fd):
    buffer = bytearray(BUFFER_BYTES)
    view = memoryview(buffer)
    received = 0
    while True:
        count = connection.recv_into(buffer)
        if count == 0:
            return received
        written = 0
        while written < count:
            written += os.write(fd, view[written:count])
        received += count


def receive_with_splice(connection, fd):
    pipe_out, pipe_in = os.pipe()
    try:
        fcntl.fcntl(pipe_in, fcntl.F_SETPIPE_SZ, BUFFER_BYTES)
    except OSError:
        pass
    received = 0
    while True:
        count = os.splice(connection.fileno(), pipe_in, BUFFER_BYTES)
        if count == 0:
            break
        while count > 0:
            moved = os.splice(pipe_out, fd, count)
            count -= moved
            received += moved
    os.close(pipe_out)
    os.close(pipe_in)
    return received


def fetch(port, out_path, method):
    say({"event": "ready"})
    if sys.stdin.readline().strip() != "go":
        return
    connection = socket.create_connection((HOST, port))
    connection.sendall(b"GET\n")
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    if method == "splice":
        received = receive_with_splice(connection, fd)
    else:
        received = receive_with_recv(connection, fd)
    os.close(fd)
    connection.close()
    say({"event": "done", "bytes": received})
    wait_for_stdin_eof()


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "fetch":
        method = sys.argv[4] if len(sys.argv) == 5 else "recv"
        if method not in ("recv", "splice"):
            sys.stderr.write(__doc__)
            sys.exit(2)
        fetch(int(sys.argv[2]), sys.argv[3], method)
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
