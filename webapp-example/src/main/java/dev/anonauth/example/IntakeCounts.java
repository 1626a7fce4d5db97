package dev.anonauth.example;

import jakarta.servlet.ServletContext;
import java.util.concurrent.atomic.LongAdder;

/** What the example intake endpoint received, shared between the intake servlet and the status page. */
final class IntakeCounts {

  private static final String ATTRIBUTE = IntakeCounts.class.getName();

  final LongAdder requests = new LongAdder();
  final LongAdder events = new LongAdder();

  static IntakeCounts of(ServletContext context) {
    synchronized (context) {
      IntakeCounts counts = (IntakeCounts) context.getAttribute(ATTRIBUTE);
      if (counts == null) {
        counts = new IntakeCounts();
        context.setAttribute(ATTRIBUTE, counts);
      }
      return counts;
    }
  }
}
