"""A TLS front for a plain HTTP server, for the HTTPS tests of `mlt push` and `mlt pull`.

    tls_proxy.py CERT KEY UPSTREAM_PORT

Listens on a free loopback port with CERT and KEY, prints `PORT=<port>` once it listens, and
pipes each connection's bytes to and from 127.0.0.1:UPSTREAM_PORT until stdin closes.
"""

import socket
import ssl
import sys
import threading


def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(listener, ctx, upstream):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        def handle(conn=conn):
            try:
                tls = ctx.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                # A client that refused the certificate: what the test wants to see.
                conn.close()
                return
            up = socket.create_connection(("127.0.0.1", upstream))
            threading.Thread(target=pipe, args=(tls, up), daemon=True).start()
            pipe(up, tls)
        threading.Thread(target=handle, daemon=True).start()


def main():
    cert, key, upstream = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    threading.Thread(target=serve, args=(listener, ctx, upstream), daemon=True).start()
    print(f"PORT={listener.getsockname()[1]}", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
