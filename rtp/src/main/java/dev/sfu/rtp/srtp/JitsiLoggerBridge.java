package dev.sfu.rtp.srtp;

import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import org.jitsi.utils.logging2.Logger;
import org.slf4j.LoggerFactory;

/**
 * jitsi-srtp's logging interface sent to SLF4J. jitsi-srtp builds a debug message lambda for every
 * packet; here debug and trace are compile-time-like constants fixed when the class loads, so with
 * them off the JIT drops those lambdas and the packet path allocates nothing for logging.
 */
final class JitsiLoggerBridge implements Logger {
    private static final org.slf4j.Logger ROOT = LoggerFactory.getLogger("org.jitsi.srtp");
    private static final boolean DEBUG = ROOT.isDebugEnabled();
    private static final boolean TRACE = ROOT.isTraceEnabled();

    static final JitsiLoggerBridge INSTANCE = new JitsiLoggerBridge(ROOT);

    private final org.slf4j.Logger log;

    private JitsiLoggerBridge(org.slf4j.Logger log) {
        this.log = log;
    }

    @Override
    public Logger createChildLogger(String name, Map<String, String> context) {
        return this;
    }

    @Override
    public Logger createChildLogger(String name) {
        return this;
    }

    @Override
    public void setUseParentHandlers(boolean use) {
    }

    @Override
    public void addHandler(Handler handler) {
    }

    @Override
    public void removeHandler(Handler handler) {
    }

    @Override
    public boolean isTraceEnabled() {
        return TRACE;
    }

    @Override
    public void trace(Object msg) {
        if (TRACE) {
            log.trace(String.valueOf(msg));
        }
    }

    @Override
    public void trace(Supplier<String> msg) {
        if (TRACE) {
            log.trace(msg.get());
        }
    }

    @Override
    public boolean isDebugEnabled() {
        return DEBUG;
    }

    @Override
    public void debug(Object msg) {
        if (DEBUG) {
            log.debug(String.valueOf(msg));
        }
    }

    @Override
    public void debug(Supplier<String> msg) {
        if (DEBUG) {
            log.debug(msg.get());
        }
    }

    @Override
    public boolean isInfoEnabled() {
        return log.isInfoEnabled();
    }

    @Override
    public void info(Object msg) {
        log.info(String.valueOf(msg));
    }

    @Override
    public void info(Supplier<String> msg) {
        if (log.isInfoEnabled()) {
            log.info(msg.get());
        }
    }

    @Override
    public boolean isWarnEnabled() {
        return log.isWarnEnabled();
    }

    @Override
    public void warn(Object msg) {
        log.warn(String.valueOf(msg));
    }

    @Override
    public void warn(Supplier<String> msg) {
        if (log.isWarnEnabled()) {
            log.warn(msg.get());
        }
    }

    @Override
    public void warn(Object msg, Throwable t) {
        log.warn(String.valueOf(msg), t);
    }

    @Override
    public void error(Object msg) {
        log.error(String.valueOf(msg));
    }

    @Override
    public void error(Supplier<String> msg) {
        log.error(msg.get());
    }

    @Override
    public void error(Object msg, Throwable t) {
        log.error(String.valueOf(msg), t);
    }

    // Levels are configured in Logback, not through jitsi's interface.
    @Override
    public void setLevelError() {
    }

    @Override
    public void setLevelWarn() {
    }

    @Override
    public void setLevelInfo() {
    }

    @Override
    public void setLevelDebug() {
    }

    @Override
    public void setLevelTrace() {
    }

    @Override
    public void setLevelAll() {
    }

    @Override
    public void setLevelOff() {
    }

    @Override
    public void setLevel(Level level) {
    }

    @Override
    public Level getLevel() {
        return TRACE ? Level.FINEST : DEBUG ? Level.FINE : Level.INFO;
    }

    @Override
    public void addContext(Map<String, String> context) {
    }

    @Override
    public void addContext(String key, String value) {
    }
}
