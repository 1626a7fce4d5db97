package dev.anonauth.net;

import java.net.InetAddress;

/**
 * The client a request is attributed to.
 *
 * @param address the client's address (IPv4-mapped IPv6 addresses are unmapped to IPv4)
 * @param key the rate-limit key: the canonical IPv4 text, or the IPv6 network prefix of the configured length
 */
public record ClientAddress(InetAddress address, String key) {}
