package dev.anonauth.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/**
 * A set of IPv4 and IPv6 address ranges: CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or single
 * addresses ({@code 192.0.2.7}, {@code ::1}). Used for {@code client_ip.trusted_proxies}.
 *
 * <p>Rules an operator should know:
 *
 * <ul>
 *   <li>Entries are literals only; host names are rejected, never resolved.
 *   <li>A block whose address has bits set beyond the prefix ({@code 10.0.0.1/8}) is rejected, with the
 *       block that was probably meant in the message: silently masking it would hide a typo in a security
 *       setting.
 *   <li>IPv4-mapped IPv6 blocks ({@code ::ffff:10.0.0.0/104}) are the IPv4 block they map
 *       ({@code 10.0.0.0/8}). An IPv4 client only ever matches IPv4 blocks, so {@code ::/0} does not
 *       cover IPv4 clients.
 *   <li>{@code 0.0.0.0/0} and {@code ::/0} are accepted and mean "everyone".
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class IpRanges {

  private static final String ACCEPTED =
      "accepted: comma-separated CIDR blocks or single addresses, e.g. "
          + "192.168.0.0/16, 10.0.0.0/8, 2001:db8::/32 or a single address such as 192.0.2.7";

  private static final IpRanges NONE = new IpRanges(List.of());

  private final List<Block> blocks;

  private IpRanges(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /** The empty set: contains no address. */
  public static IpRanges none() {
    return NONE;
  }

  /**
   * Parses a comma-separated list of CIDR blocks or literal addresses; blanks are trimmed and an empty
   * string (or {@code null}) gives the empty set. Never resolves host names.
   *
   * @throws IllegalArgumentException naming every entry that is not a valid range, why, and what is accepted
   */
  public static IpRanges parse(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return NONE;
    }
    List<Block> blocks = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String raw : commaSeparated.split(",", -1)) {
      String entry = raw.strip();
      try {
        Block block = Block.parse(entry);
        if (!blocks.contains(block)) {
          blocks.add(block);
        }
      } catch (IllegalArgumentException e) {
        problems.add("'" + entry + "' (" + e.getMessage() + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid IP range" + (problems.size() > 1 ? "s: " : ": ") + String.join(", ", problems) + "; " + ACCEPTED);
    }
    return new IpRanges(blocks);
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** Whether {@code address} lies in one of the ranges; {@code null} is in none. */
  public boolean contains(InetAddress address) {
    if (address == null || blocks.isEmpty()) {
      return false;
    }
    byte[] bytes = address.getAddress();
    if (IpLiteral.isIpv4Mapped(bytes)) {
      bytes = Arrays.copyOfRange(bytes, 12, 16);
    }
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** The effective ranges in canonical CIDR form, e.g. {@code 10.0.0.0/8, 2001:db8::/32}; {@code none} if empty. */
  @Override
  public String toString() {
    if (blocks.isEmpty()) {
      return "none";
    }
    StringJoiner text = new StringJoiner(", ");
    blocks.forEach(block -> text.add(block.toString()));
    return text.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IpRanges ranges && ranges.blocks.equals(blocks);
  }

  @Override
  public int hashCode() {
    return blocks.hashCode();
  }

  /** One CIDR block; {@code network} has no bits set beyond {@code prefixLength}. */
  private record Block(byte[] network, int prefixLength) {

    static Block parse(String entry) {
      if (entry.isEmpty()) {
        throw new IllegalArgumentException("empty entry");
      }
      int slash = entry.indexOf('/');
      String addressText = slash < 0 ? entry : entry.substring(0, slash);
      byte[] address = IpLiteral.parseBytes(addressText);
      if (address == null) {
        throw new IllegalArgumentException("not an IPv4 or IPv6 address");
      }
      int maxLength = address.length * 8;
      int prefixLength = slash < 0 ? maxLength : parsePrefixLength(entry.substring(slash + 1), maxLength);
      if (IpLiteral.isIpv4Mapped(address)) {
        if (prefixLength < 96) {
          throw new IllegalArgumentException("an IPv4-mapped block needs a prefix length of 96..128");
        }
        address = Arrays.copyOfRange(address, 12, 16);
        prefixLength -= 96;
      }
      byte[] network = mask(address, prefixLength);
      if (!Arrays.equals(network, address)) {
        throw new IllegalArgumentException(
            "host bits set beyond /" + prefixLength + ", did you mean " + IpLiteral.format(network) + "/" + prefixLength + "?");
      }
      return new Block(network, prefixLength);
    }

    private static int parsePrefixLength(String text, int maxLength) {
      String family = maxLength == 32 ? "IPv4" : "IPv6";
      boolean digits = !text.isEmpty() && text.length() <= 3 && text.chars().allMatch(c -> c >= '0' && c <= '9');
      if (!digits || (text.length() > 1 && text.charAt(0) == '0')) {
        throw new IllegalArgumentException("prefix length must be a number 0.." + maxLength + " for " + family);
      }
      int length = Integer.parseInt(text);
      if (length > maxLength) {
        throw new IllegalArgumentException("prefix length must be 0.." + maxLength + " for " + family);
      }
      return length;
    }

    boolean contains(byte[] address) {
      return address.length == network.length && Arrays.equals(mask(address, prefixLength), network);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Block block
          && block.prefixLength == prefixLength
          && Arrays.equals(block.network, network);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
      return IpLiteral.format(network) + "/" + prefixLength;
    }
  }

  /** {@code address} with every bit beyond the first {@code prefixLength} cleared (a new array). */
  static byte[] mask(byte[] address, int prefixLength) {
    byte[] masked = address.clone();
    for (int bit = prefixLength; bit < masked.length * 8; bit++) {
      masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return masked;
  }
}
