package dev.trunk.internal.lb;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * The hash ring of {@code ring_hash_experimental}, built as gRFC A42 says ("the same algorithm as
 * Envoy's implementation"): every endpoint gets points in proportion to its weight, each point the
 * XXH64 of {@code "<address>_<n>"}, sorted by hash. Immutable, so pickers share it.
 *
 * <pre>{@code
 * Ring ring = Ring.build(List.of("10.0.0.1:443", "10.0.0.2:443"), new int[] {1, 1}, 1024, 4096);
 * int owner = ring.owner(ring.find(requestHash));
 * }</pre>
 */
final class Ring {
  private final long[] hashes;
  private final int[] owners;

  private Ring(long[] hashes, int[] owners) {
    this.hashes = hashes;
    this.owners = owners;
  }

  /**
   * A ring over {@code keys} (one per distinct endpoint) with these {@code weights}, of at least
   * {@code minSize} points (more when needed so the lightest endpoint gets its share) and at most
   * {@code maxSize}.
   */
  static Ring build(List<String> keys, int[] weights, long minSize, long maxSize) {
    double total = 0;
    int lightest = Integer.MAX_VALUE;
    for (int weight : weights) {
      total += weight;
      lightest = Math.min(lightest, weight);
    }
    // Envoy's sizing: enough points that the lightest endpoint gets ceil(its share of minSize).
    double minShare = lightest / total;
    double scale = Math.min(Math.ceil(minShare * minSize) / minShare, maxSize);
    int size = (int) Math.ceil(scale);
    long[] hashes = new long[size];
    int[] owners = new int[size];
    double placed = 0;
    double target = 0;
    int next = 0;
    for (int owner = 0; owner < keys.size(); owner++) {
      target += scale * weights[owner] / total;
      for (int n = 0; placed < target && next < size; n++, next++, placed++) {
        hashes[next] = XxHash64.hash(keys.get(owner) + "_" + n);
        owners[next] = owner;
      }
    }
    int filled = next;
    long[] usedHashes = Arrays.copyOf(hashes, filled);
    int[] usedOwners = Arrays.copyOf(owners, filled);
    sortUnsigned(usedHashes, usedOwners);
    return new Ring(usedHashes, usedOwners);
  }

  /** The key an endpoint's points are hashed from: its first address as {@code ip:port}. */
  static String hashKey(SocketAddress address) {
    if (!(address instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return address.toString();
    }
    InetAddress ip = inet.getAddress();
    String host = ip.getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
  }

  /** Points on the ring. */
  int size() {
    return hashes.length;
  }

  /** The index of the first point at or after {@code hash} (unsigned), wrapping to 0. */
  int find(long hash) {
    int low = 0;
    int high = hashes.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (Long.compareUnsigned(hashes[middle], hash) < 0) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low == hashes.length ? 0 : low;
  }

  /** The endpoint (its index in the list given to {@link #build}) owning point {@code index}. */
  int owner(int index) {
    return owners[index];
  }

  /** Heap sort of the points by unsigned hash, moving each owner with its hash; no boxing. */
  private static void sortUnsigned(long[] hashes, int[] owners) {
    int n = hashes.length;
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(hashes, owners, i, n);
    }
    for (int end = n - 1; end > 0; end--) {
      swap(hashes, owners, 0, end);
      siftDown(hashes, owners, 0, end);
    }
  }

  private static void siftDown(long[] hashes, int[] owners, int root, int n) {
    int parent = root;
    while (true) {
      int child = 2 * parent + 1;
      if (child >= n) {
        return;
      }
      if (child + 1 < n && Long.compareUnsigned(hashes[child + 1], hashes[child]) > 0) {
        child++;
      }
      if (Long.compareUnsigned(hashes[child], hashes[parent]) <= 0) {
        return;
      }
      swap(hashes, owners, parent, child);
      parent = child;
    }
  }

  private static void swap(long[] hashes, int[] owners, int i, int j) {
    long hash = hashes[i];
    hashes[i] = hashes[j];
    hashes[j] = hash;
    int owner = owners[i];
    owners[i] = owners[j];
    owners[j] = owner;
  }
}
