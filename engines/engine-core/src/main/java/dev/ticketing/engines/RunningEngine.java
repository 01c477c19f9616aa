package dev.ticketing.engines;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * An engine JVM that answered its readiness check. {@code address} is what clients use: a Kafka bootstrap
 * ({@code 127.0.0.1:port}) or an OpenSearch URL ({@code http://127.0.0.1:port}).
 */
public record RunningEngine(Engine engine, long pid, String address, Path dataDir, Path logFile) {

    public boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Clean stop (SIGTERM runs the engine's shutdown hooks), then a kill if it does not go in time. */
    public void stop(Duration grace) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return;
        }
        h.get().destroy();
        try {
            h.get().onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception timeoutOrInterrupt) {
            h.get().destroyForcibly();
        }
    }

    /** "host:port" without a scheme. */
    public String hostPort() {
        return address.replaceFirst("^https?://", "");
    }
}
