package mn.esra.engine;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.operaton.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;

/** The engine's clock as ISO-8601 text, for timestamps kept in String variables: {@code ${clock.utc()}}. */
@Component("clock")
public class Clock {
  /** Now in UTC, seconds precision, e.g. 2026-11-28T09:00:00Z. */
  public String utc() {
    return DateTimeFormatter.ISO_INSTANT.format(ClockUtil.getCurrentTime().toInstant().truncatedTo(ChronoUnit.SECONDS));
  }

  /** Now at a fixed offset such as "+08:00" (Ulaanbaatar), seconds precision. */
  public String at(String offset) {
    return ClockUtil.getCurrentTime().toInstant().truncatedTo(ChronoUnit.SECONDS)
        .atOffset(ZoneOffset.of(offset)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
