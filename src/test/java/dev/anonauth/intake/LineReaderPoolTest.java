package dev.anonauth.intake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stream {@link LineReader}'s initial buffer comes from a small pool and goes back on close. */
class LineReaderPoolTest {

  private static List<String> lines(LineReader reader) throws Refusal {
    List<String> out = new ArrayList<>();
    while (reader.next()) {
      out.add(new String(reader.buffer(), reader.offset(), reader.length(), UTF_8));
    }
    return out;
  }

  private static LineReader reader(String text, int maxLine) {
    return new LineReader(new ByteArrayInputStream(text.getBytes(UTF_8)), maxLine);
  }

  @Test
  void reusedBuffer_linesOfEachStreamOnlyTheirOwn() throws Refusal {
    String longLine = "x".repeat(10_000);
    try (LineReader r = reader("aaaa\nbbbb\n" + longLine + "\ncc", 307_200)) {
      assertEquals(List.of("aaaa", "bbbb", longLine, "cc"), lines(r));
    }
    for (int i = 0; i < 3; i++) {
      try (LineReader r = reader("d\n\ne", 307_200)) {
        assertEquals(List.of("d", "", "e"), lines(r));
      }
    }
  }

  @Test
  void poolBounded_closeIdempotent_grownBuffersNotKept() throws Refusal {
    int max = 2 * Runtime.getRuntime().availableProcessors();
    List<LineReader> open = new ArrayList<>();
    for (int i = 0; i < max + 3; i++) {
      open.add(reader("z".repeat(100_000) + "\n", 307_200));
    }
    for (LineReader r : open) {
      assertTrue(r.next());
      assertEquals(100_000, r.length());
      assertTrue(r.buffer().length > 64 * 1024);
      r.close();
      r.close();
    }
    assertTrue(LineReader.pooled() <= max, "pooled " + LineReader.pooled());
    // Every pooled buffer is an initial one: a new reader starts at 4 KiB, whatever the last one grew to.
    try (LineReader r = reader("q\n", 307_200)) {
      assertTrue(r.next());
      assertEquals(4096, r.buffer().length);
    }
  }

  @Test
  void smallMaxLine_ownBufferOfThatSize() throws Refusal {
    try (LineReader r = reader("abc\n", 100)) {
      assertTrue(r.next());
      assertEquals(100, r.buffer().length);
      assertFalse(r.next());
    }
  }
}
