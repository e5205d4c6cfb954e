package dev.trunk.internal.resolver;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * DNS queries through the JDK's JNDI DNS provider ({@code jdk.naming.dns}), which can ask a given
 * server, unlike {@link InetAddress}, and reads TXT records. Each call blocks; thread-safe.
 */
final class JndiDns {
  /** The JDK's DNS context factory, in module {@code jdk.naming.dns}. */
  private static final String FACTORY = "com.sun.jndi.dns.DnsContextFactory";

  /**
   * The first query's timeout; JNDI doubles it on each retry. With {@link #RETRIES} a silent server
   * fails a lookup after 1 + 2 + 4 + 8 = 15 s (these are the JDK's defaults, set here to be seen).
   */
  static final int TIMEOUT_MILLIS = 1000;

  /** Queries per server before JNDI gives up; see {@link #TIMEOUT_MILLIS}. */
  static final int RETRIES = 4;

  /** The system's name servers, from /etc/resolv.conf. */
  static final String SYSTEM = "dns:";

  private final String providerUrl;

  /** Queries the server at {@code providerUrl}: {@code dns://10.0.0.53:53}, or {@link #SYSTEM}. */
  JndiDns(String providerUrl) {
    this.providerUrl = providerUrl;
  }

  /**
   * The A then the AAAA addresses of {@code host}, each in the server's order; empty if the name
   * exists but has neither.
   *
   * @throws javax.naming.NameNotFoundException if the name does not exist
   * @throws NamingException if the server cannot be reached or refuses
   */
  List<InetAddress> addresses(String host) throws NamingException {
    List<InetAddress> addresses = new ArrayList<>();
    for (String text : query(host, "A")) {
      addresses.add(address(host, text));
    }
    for (String text : query(host, "AAAA")) {
      addresses.add(address(host, text));
    }
    return addresses;
  }

  /** The TXT records of {@code name}, each with its strings joined (RFC 7208 section 3.3). */
  List<String> txt(String name) throws NamingException {
    List<String> records = new ArrayList<>();
    for (String text : query(name, "TXT")) {
      records.add(String.join("", txtStrings(text)));
    }
    return records;
  }

  /**
   * The records of one type. Each type is its own query: asked for several, JNDI sends one ANY
   * query, which many servers answer partly or refuse (RFC 8482).
   */
  private List<String> query(String name, String type) throws NamingException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, FACTORY);
    env.put(Context.PROVIDER_URL, providerUrl);
    env.put("com.sun.jndi.dns.timeout.initial", Integer.toString(TIMEOUT_MILLIS));
    env.put("com.sun.jndi.dns.timeout.retries", Integer.toString(RETRIES));
    DirContext context = new InitialDirContext(env);
    try {
      Attribute attribute = context.getAttributes(name, new String[] {type}).get(type);
      List<String> values = new ArrayList<>();
      if (attribute == null) {
        return values;
      }
      NamingEnumeration<?> all = attribute.getAll();
      while (all.hasMore()) {
        values.add(String.valueOf(all.next()));
      }
      return values;
    } finally {
      context.close();
    }
  }

  private static InetAddress address(String host, String text) throws NamingException {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes == null) {
      throw new NamingException("the DNS answer '" + text + "' for " + host + " is no address");
    }
    try {
      return InetAddress.getByAddress(host, bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are an address", e);
    }
  }

  /**
   * The character-strings of one TXT record as JNDI renders them: separated by a space, each in
   * double quotes with {@code \"} and {@code \\} escaped when it holds a space, quote or backslash
   * (or is empty), else bare.
   */
  static List<String> txtStrings(String rendered) {
    List<String> strings = new ArrayList<>();
    int i = 0;
    while (i < rendered.length()) {
      StringBuilder string = new StringBuilder();
      if (rendered.charAt(i) == '"') {
        i++;
        while (i < rendered.length() && rendered.charAt(i) != '"') {
          if (rendered.charAt(i) == '\\' && i + 1 < rendered.length()) {
            i++;
          }
          string.append(rendered.charAt(i++));
        }
        i++; // the closing quote
      } else {
        while (i < rendered.length() && rendered.charAt(i) != ' ') {
          string.append(rendered.charAt(i++));
        }
      }
      strings.add(string.toString());
      i++; // the space between strings
    }
    return strings;
  }
}
