package dev.anonauth.otlp;

import java.util.Locale;

/** The two OTLP/HTTP encodings, told apart by the request's {@code Content-Type} (parameters ignored). */
public enum Encoding {
  PROTOBUF("application/x-protobuf"),
  JSON("application/json");

  final String mediaType;

  Encoding(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The encoding a {@code Content-Type} names, or {@code null} for anything else (OTLP/HTTP: 415). */
  public static Encoding of(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    for (Encoding encoding : values()) {
      if (encoding.mediaType.equals(media)) {
        return encoding;
      }
    }
    return null;
  }

  public String mediaType() {
    return mediaType;
  }
}
