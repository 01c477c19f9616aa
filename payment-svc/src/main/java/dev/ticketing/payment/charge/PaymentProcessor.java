package dev.ticketing.payment.charge;

import dev.ticketing.payment.tracing.TraceContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import dev.ticketing.payment.config.PaymentConfig;
import dev.ticketing.payment.outbox.Pipeline;
import dev.ticketing.payment.provider.CancelRequest;
import dev.ticketing.payment.provider.ConfirmRequest;
import dev.ticketing.payment.provider.ProviderRejectedException;
import dev.ticketing.payment.provider.ProviderUnavailableException;
import dev.ticketing.payment.provider.TossPayment;
import dev.ticketing.payment.provider.TossPaymentsGateway;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Drives one payment one step: claims it (only one worker at a time), talks to the provider, records the outcome.
 * The rules that keep money safe:
 * <ul>
 *   <li>every request for a payment carries the same Idempotency-Key (derived from the payment id), so a repeat
 *       can never become a second charge;</li>
 *   <li>when an earlier attempt may have reached the provider (timeout, crash, 5xx), the provider is asked for the
 *       payment's status first, and a new confirm is sent only if the provider has no record of the order;</li>
 *   <li>an unknown outcome is never guessed: the payment stays PROCESSING and is asked about again later.</li>
 * </ul>
 */
@ApplicationScoped
public class PaymentProcessor {

    static final String ALREADY_PROCESSED = "ALREADY_PROCESSED_PAYMENT";
    static final String ALREADY_CANCELED = "ALREADY_CANCELED_PAYMENT";

    private final PaymentStore store;
    private final TossPaymentsGateway provider;
    private final PaymentConfig.Processing config;
    private final MeterRegistry metrics;
    private final Timer confirmLatency;
    private final Pipeline pipeline;

    public PaymentProcessor(PaymentStore store, TossPaymentsGateway provider, PaymentConfig config,
                            MeterRegistry metrics, Pipeline pipeline) {
        this.pipeline = pipeline;
        this.store = store;
        this.provider = provider;
        this.config = config.processing();
        this.metrics = metrics;
        this.confirmLatency = Timer.builder("payment.provider.confirm")
                .description("Provider confirm calls, including retries").publishPercentiles(0.5, 0.99)
                .register(metrics);
    }

    /** What the provider said about a payment, when asked. */
    sealed interface Outcome {
        record Approved(String paymentKey) implements Outcome {
        }

        record Declined(String code, String message) implements Outcome {
        }

        record Cancelled() implements Outcome {
        }

        /** Known to the provider but not settled yet. */
        record InProgress() implements Outcome {
        }

        /** The provider has no record of the order: it never captured it. */
        record NotFound() implements Outcome {
        }

        /** Could not find out. */
        record Unknown(String why) implements Outcome {
        }
    }

    /** Idempotency keys: stable per payment and per step, whatever the number of attempts or replicas. */
    static String captureKey(UUID paymentId) {
        return "payment-" + paymentId;
    }

    static String refundKey(UUID paymentId) {
        return "refund-" + paymentId;
    }

    public void process(UUID paymentId) {
        Optional<Payment> claimed = store.claim(paymentId, config.lease());
        if (claimed.isEmpty()) {
            return;
        }
        Payment p = claimed.get();
        // The order's trace goes on through the provider call and the event that answers it.
        try (Scope span = TraceContext.continueFrom(p.traceparent, "payment " + p.status.name().toLowerCase(),
                SpanKind.INTERNAL)) {
            if (p.status == PaymentStatus.PROCESSING) {
                capture(p);
            } else if (p.status == PaymentStatus.REFUNDING) {
                refund(p);
            }
        } catch (RuntimeException e) {
            // Whatever broke, the lease expires and the recovery job tries again: log, never lose the payment.
            Log.errorf(e, "payment %s (order %s) attempt %d failed unexpectedly", p.id, p.orderId, p.attempts);
            store.retryLater(p.id, backoff(p.attempts));
        }
    }

    private void capture(Payment p) {
        if (p.cancelRequested && p.attempts == 1) {
            // Cancelled before we ever contacted the provider: nothing to charge, nothing to refund.
            store.fail(p.id, "ORDER_CANCELLED", "the order was cancelled before it was charged");
            count("cancelled-before-charge");
            return;
        }
        if (p.attempts > 1) {
            Outcome known = statusByOrder(p.orderId);
            if (!(known instanceof Outcome.NotFound)) {
                settleCapture(p, known);
                return;
            }
        }
        Outcome outcome;
        Timer.Sample sample = Timer.start(metrics);
        try {
            TossPayment r = provider.confirm(captureKey(p.id), new ConfirmRequest(p.paymentToken, p.orderId, p.amount));
            if (p.attempts == 1 && p.createdAt != null) {
                pipeline.record(Pipeline.PROVIDER_ANSWERED, Duration.between(p.createdAt, Instant.now()));
            }
            outcome = r.isDone() ? new Outcome.Approved(r.paymentKey()) : statusByOrder(p.orderId);
        } catch (ProviderRejectedException e) {
            outcome = ALREADY_PROCESSED.equals(e.code()) ? statusByOrder(p.orderId)
                    : new Outcome.Declined(e.code(), e.providerMessage());
        } catch (TimeoutException | ProviderUnavailableException | CircuitBreakerOpenException e) {
            Log.infof("confirm of order %s has no answer (%s): asking the provider for its status",
                    p.orderId, e.getClass().getSimpleName());
            if (e instanceof TimeoutException || (e instanceof ProviderUnavailableException u && u.mayBeInFlight())) {
                // It may still be captured: this payment may not be given up before the settle window is over.
                p.confirmUnansweredAt = store.confirmUnanswered(p.id);
            }
            outcome = statusByOrder(p.orderId);
        } finally {
            sample.stop(confirmLatency);
        }
        settleCapture(p, outcome);
    }

    private void settleCapture(Payment p, Outcome outcome) {
        if (outcome instanceof Outcome.Approved a) {
            boolean refundNow = store.approve(p.id, a.paymentKey());
            count("approved");
            if (refundNow) {
                process(p.id);
            }
        } else if (outcome instanceof Outcome.Declined d) {
            store.fail(p.id, d.code(), d.message());
            count("declined");
        } else if (outcome instanceof Outcome.Cancelled) {
            store.fail(p.id, "PROVIDER_CANCELED", "the provider reports the payment as cancelled");
            count("declined");
        } else if (outcome instanceof Outcome.NotFound && p.attempts >= config.maxAttempts() && !mayStillLand(p)) {
            // The provider never recorded this order after all our attempts, and no confirm of ours can still land:
            // safe to give up, nothing was charged. (The reconciliation asks once more later, to be sure.)
            store.fail(p.id, "PROVIDER_UNAVAILABLE", "the payment provider did not answer; nothing was charged");
            count("unavailable");
        } else {
            store.retryLater(p.id, backoff(p.attempts));
        }
    }

    /** A confirm of ours went unanswered less than the settle window ago: the provider may still capture it. */
    private boolean mayStillLand(Payment p) {
        return p.confirmUnansweredAt != null
                && Instant.now().isBefore(p.confirmUnansweredAt.plus(config.confirmSettleWindow()));
    }

    /**
     * One FAILED payment after which a confirm had gone unanswered, asked about again: captured after all (a late
     * success) → refunded at the provider, since the order already failed and its seats went back on sale; nothing
     * captured → recorded as such; no answer → asked again at the next run.
     */
    public void reconcile(Payment p) {
        Outcome known = statusByOrder(p.orderId);
        if (known instanceof Outcome.Approved a) {
            try {
                provider.cancel(a.paymentKey(), refundKey(p.id),
                        new CancelRequest("order failed before the payment completed (late capture)"));
            } catch (ProviderRejectedException e) {
                if (!ALREADY_CANCELED.equals(e.code())) {
                    Log.errorf("late capture of failed order %s could not be refunded: %s", p.orderId, e.getMessage());
                    store.reconciled(p.id, "REFUND_REFUSED " + e.code(), a.paymentKey());
                    count("reconcile-refund-refused");
                    return;
                }
            } catch (TimeoutException | ProviderUnavailableException | CircuitBreakerOpenException e) {
                return; // next run: the cancel carries the same Idempotency-Key
            }
            Log.warnf("order %s: the provider captured after the payment had failed; refunded", p.orderId);
            store.reconciled(p.id, "REFUNDED_LATE_CAPTURE", a.paymentKey());
            count("reconciled-refunded");
        } else if (known instanceof Outcome.Cancelled) {
            store.reconciled(p.id, "ALREADY_CANCELLED", null);
            count("reconciled-cancelled");
        } else if ((known instanceof Outcome.NotFound || known instanceof Outcome.Declined) && !mayStillLand(p)) {
            store.reconciled(p.id, "NOTHING_CAPTURED", null);
            count("reconciled-nothing");
        }
        // InProgress, Unknown, or still inside the settle window: ask again next time.
    }

    private void refund(Payment p) {
        String reason = p.cancelReason == null || p.cancelReason.isBlank() ? "order cancelled" : p.cancelReason;
        if (p.attempts > 1) {
            Outcome known = statusByPaymentKey(p.providerReference);
            if (known instanceof Outcome.Cancelled) {
                store.refunded(p.id);
                count("refunded");
                return;
            }
            if (known instanceof Outcome.Unknown) {
                store.retryLater(p.id, backoff(p.attempts));
                return;
            }
        }
        try {
            provider.cancel(p.providerReference, refundKey(p.id), new CancelRequest(reason));
            store.refunded(p.id);
            count("refunded");
        } catch (ProviderRejectedException e) {
            if (ALREADY_CANCELED.equals(e.code())) {
                store.refunded(p.id);
                count("refunded");
            } else {
                Log.errorf("refund of order %s refused by the provider: %s", p.orderId, e.getMessage());
                store.refundFailed(p.id, e.code(), e.providerMessage());
                count("refund-failed");
            }
        } catch (TimeoutException | ProviderUnavailableException | CircuitBreakerOpenException e) {
            if (statusByPaymentKey(p.providerReference) instanceof Outcome.Cancelled) {
                store.refunded(p.id);
                count("refunded");
            } else {
                store.retryLater(p.id, backoff(p.attempts));
            }
        }
    }

    private Outcome statusByOrder(String orderId) {
        try {
            return provider.findByOrderId(orderId).map(PaymentProcessor::outcomeOf).orElse(new Outcome.NotFound());
        } catch (RuntimeException e) {
            return new Outcome.Unknown(e.toString());
        }
    }

    private Outcome statusByPaymentKey(String paymentKey) {
        try {
            return provider.findByPaymentKey(paymentKey).map(PaymentProcessor::outcomeOf).orElse(new Outcome.NotFound());
        } catch (RuntimeException e) {
            return new Outcome.Unknown(e.toString());
        }
    }

    private static Outcome outcomeOf(TossPayment p) {
        if (p.isDone()) {
            return new Outcome.Approved(p.paymentKey());
        }
        if (p.isCanceled()) {
            return new Outcome.Cancelled();
        }
        if (p.isAborted()) {
            return p.failure() == null ? new Outcome.Declined(p.status(), null)
                    : new Outcome.Declined(p.failure().code(), p.failure().message());
        }
        return new Outcome.InProgress();
    }

    private Duration backoff(int attempts) {
        Duration d = config.retryDelay().multipliedBy(Math.max(1, attempts));
        return d.compareTo(config.maxRetryDelay()) > 0 ? config.maxRetryDelay() : d;
    }

    private void count(String outcome) {
        metrics.counter("payment.outcomes", "outcome", outcome).increment();
    }
}
