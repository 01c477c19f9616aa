package dev.ticketing.payment.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.BeforeRetryHandler;
import jakarta.enterprise.context.Dependent;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Runs before a consumer tries a record again: says which channel waits on what, and counts
 * {@code ticketing_events_retries_total{channel}} (a rising rate with a growing lag = a store is down).
 */
@Dependent
public class WaitingForDependency implements BeforeRetryHandler {

    private final MeterRegistry metrics;

    public WaitingForDependency(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(ExecutionContext context) {
        Incoming incoming = context.getMethod().getAnnotation(Incoming.class);
        String channel = incoming == null ? context.getMethod().getName() : incoming.value();
        metrics.counter("ticketing.events.retries", "channel", channel).increment();
        Throwable failure = context.getFailure();
        Log.warnf("%s waits for its store, trying the same record again: %s", channel,
                failure == null ? "?" : failure.toString());
    }
}
