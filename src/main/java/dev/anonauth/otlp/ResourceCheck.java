package dev.anonauth.otlp;

/** Called once per resource of a request, in order, with the names the APM Server would give its events. */
@FunctionalInterface
public interface ResourceCheck {

  /** Throws to refuse the whole request (service first, then agent, as the APM Server checks them). */
  void check(String service, String agent) throws OtlpException;
}
