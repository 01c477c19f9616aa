package dev.ticketing.payment.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The order pipeline's stage timers ({@code ticketing_pipeline_stage_seconds{stage}}), the same metric in
 * booking-svc and payment-svc (docs/architecture.md, "Order pipeline"). payment-svc measures the middle stages;
 * each stage is measured from the timestamp its input event carries or its row recorded.
 */
@ApplicationScoped
public class Pipeline {
    /** OrderPlaced occurred in booking-svc → the payment recorded here (committed). */
    public static final String PAYMENT_RECORDED = "order-to-payment-recorded";
    /** Payment recorded → the provider answered the first confirm. */
    public static final String PROVIDER_ANSWERED = "recorded-to-provider-answered";
    /** PaymentApproved committed → acknowledged by the broker. */
    public static final String RESULT_PUBLISHED = "approved-to-published";

    private final MeterRegistry metrics;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public Pipeline(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    public void record(String stage, Duration took) {
        timers.computeIfAbsent(stage, s -> Timer.builder("ticketing.pipeline.stage")
                .description("Order pipeline: time spent reaching the end of this stage")
                .tag("stage", s).publishPercentiles(0.5, 0.99).register(metrics))
                .record(took.isNegative() ? Duration.ZERO : took);
    }
}
