package org.cdrflow.connectors.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Picks TCP ports on the loopback interface that are free at the moment of asking. */
public final class FreePorts {

  // A literal, not getLoopbackAddress(): that may be ::1, and our servers listen on IPv4 only.
  static final InetAddress LOOPBACK = ipv4Loopback();

  private FreePorts() {}

  /**
   * Returns {@code count} distinct ports that were free on 127.0.0.1.
   *
   * <p>All sockets are held open until every port is chosen, so the same port is never handed out
   * twice in one call. There is an unavoidable window between closing them and the server binding,
   * in which another process may grab a port; on a developer machine that is rare enough to accept.
   */
  public static int[] onLoopback(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be positive: " + count);
    }
    List<ServerSocket> sockets = new ArrayList<>(count);
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        // Without SO_REUSEADDR the port could sit in TIME_WAIT and fail the server's own bind.
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(LOOPBACK, 0));
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("could not find a free port on the loopback interface", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Closing a socket we only bound cannot lose anything.
        }
      }
    }
  }

  private static InetAddress ipv4Loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError("a four-byte address is always valid", e);
    }
  }

  /** Returns one port that was free on 127.0.0.1. */
  public static int onLoopback() {
    return onLoopback(1)[0];
  }
}
