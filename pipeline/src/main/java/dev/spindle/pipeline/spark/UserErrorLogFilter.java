package dev.spindle.pipeline.spark;

import dev.spindle.pipeline.SpindleException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.filter.CompositeFilter;
import org.apache.logging.log4j.message.Message;

/**
 * Keeps Spark from printing stack traces for the user's own mistakes: when a Spark task fails on bad input (a
 * {@link SpindleException} of kind user), the executor logs the exception and the scheduler logs the lost task and
 * the aborted job, before the driver sees the failure; the command then prints the one line that matters. This
 * filter drops those log events (their throwable, or their text, names a user error) and the "aborting job" line
 * that follows any task failure (the command reports the cause itself, with the stack trace when it is a bug).
 * Installed into log4j's running configuration, when log4j-core is present (it is, with Spark).
 */
public final class UserErrorLogFilter extends AbstractFilter {
  private static final String USER_MARKER = SpindleException.class.getName() + "(user)";
  private static final java.util.regex.Pattern ABORTING =
      java.util.regex.Pattern.compile("(?s)Task \\S+ in stage \\S+ failed \\d+ times?; aborting job.*");

  private UserErrorLogFilter() {
    super(Filter.Result.DENY, Filter.Result.NEUTRAL);
  }

  /** Adds the filter to the current log4j configuration once; without log4j-core it does nothing. */
  public static void install() {
    try {
      if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
        return;
      }
      Configuration configuration = context.getConfiguration();
      Filter current = configuration.getFilter();
      boolean installed = current instanceof UserErrorLogFilter
          || current instanceof CompositeFilter composite && composite.getFiltersArray().length > 0
              && java.util.Arrays.stream(composite.getFiltersArray()).anyMatch(f -> f instanceof UserErrorLogFilter);
      if (!installed) {
        configuration.addFilter(new UserErrorLogFilter());
        context.updateLoggers();
      }
    } catch (LinkageError | RuntimeException e) {
      // No log4j-core, or another logging backend: Spark's messages are not ours to filter then.
    }
  }

  // A configuration-wide filter is asked before an event is built (the Logger overloads), and again by appenders.
  @Override
  public Result filter(LogEvent event) {
    return decide(event.getMessage() == null ? "" : event.getMessage().getFormattedMessage(), event.getThrown());
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, Message message, Throwable thrown) {
    return decide(message == null ? "" : message.getFormattedMessage(), thrown);
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, Object message, Throwable thrown) {
    return decide(String.valueOf(message), thrown);
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, String message, Object... parameters) {
    Throwable thrown = parameters != null && parameters.length > 0
        && parameters[parameters.length - 1] instanceof Throwable last ? last : null;
    return decide(message + (parameters == null ? "" : java.util.Arrays.toString(parameters)), thrown);
  }

  private static Result decide(String message, Throwable thrown) {
    if (isUserError(thrown) || message.contains(USER_MARKER) || ABORTING.matcher(message).matches()) {
      return Result.DENY;
    }
    return Result.NEUTRAL;
  }

  private static boolean isUserError(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SpindleException spindle && spindle.kind() == SpindleException.Kind.USER) {
        return true;
      }
    }
    return false;
  }
}
