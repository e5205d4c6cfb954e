package dev.trunk.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Looks inside a running server JVM, whichever server it is, without its cooperation: CPU time from
 * {@code /proc/<pid>/stat}, resident memory from {@code /proc/<pid>/status}, and, through the
 * attach API and the local JMX agent, the bytes its threads have allocated and its heap after a
 * full GC.
 */
final class JvmProbe implements AutoCloseable {
  private static final ObjectName THREADING = name(ManagementFactory.THREAD_MXBEAN_NAME);
  private static final ObjectName MEMORY = name(ManagementFactory.MEMORY_MXBEAN_NAME);

  /** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux we know of). */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long pid;
  private final JMXConnector connector;
  private final MBeanServerConnection jmx;

  private JvmProbe(long pid, JMXConnector connector) throws IOException {
    this.pid = pid;
    this.connector = connector;
    this.jmx = connector.getMBeanServerConnection();
  }

  /** Attaches to the JVM {@code pid} (same user, same JDK) and connects to its local JMX agent. */
  static JvmProbe attach(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
    return new JvmProbe(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
  }

  /** User plus system CPU seconds the process has used, from /proc/pid/stat (10 ms resolution). */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // The command name (field 2) may contain spaces; fields after it follow the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long utime = Long.parseLong(fields[11]); // field 14 of the whole line
    long stime = Long.parseLong(fields[12]); // field 15
    return (utime + stime) / TICKS_PER_SECOND;
  }

  double cpuSeconds() throws IOException {
    return cpuSeconds(pid);
  }

  /** Write-type system calls the process has made (syscw of /proc/pid/io): writes and flushes. */
  long writeSyscalls() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
      if (line.startsWith("syscw:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    throw new IOException("no syscw in /proc/" + pid + "/io");
  }

  /** Resident set size in bytes (VmRSS). */
  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }

  /** Bytes allocated on the heap by all threads since the JVM started (ThreadMXBean). */
  long allocatedBytes() throws Exception {
    return ((Number) jmx.getAttribute(THREADING, "TotalThreadAllocatedBytes")).longValue();
  }

  /** Runs System.gc() twice in the target (a full collection with G1) and returns heap used. */
  long heapUsedAfterGc() throws Exception {
    jmx.invoke(MEMORY, "gc", null, null);
    Thread.sleep(200);
    jmx.invoke(MEMORY, "gc", null, null);
    CompositeData heap = (CompositeData) jmx.getAttribute(MEMORY, "HeapMemoryUsage");
    return ((Number) heap.get("used")).longValue();
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }

  private static ObjectName name(String name) {
    try {
      return new ObjectName(name);
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }
}
