package dev.ticketing.payment.charge;

import dev.ticketing.payment.tracing.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
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
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Drives one payment one step: claims it (only one worker at a time), talks to the provider, records the outcome.
 * The database steps block, on the few threads of the {@link WorkerPool}; the provider calls between them are
 * non-blocking and hold no thread while the provider thinks, so payments in flight are not bounded by threads but by
 * {@link PaymentWorkers}' in-flight limit.
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
    private final WorkerPool workers;

    public PaymentProcessor(PaymentStore store, TossPaymentsGateway provider, PaymentConfig config,
                            MeterRegistry metrics, Pipeline pipeline, WorkerPool workers) {
        this.pipeline = pipeline;
        this.workers = workers;
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

    /**
     * One step of one payment: claim, provider calls, outcome. Subscribe on a thread that may block (a worker): the
     * claim runs there, every later database step runs on a worker too, and no thread waits for the provider.
     * Completes once the step is over (outcome recorded, or the payment due again later); fails only when not even
     * that could be recorded (then the lease runs out and the sweep takes the payment again).
     */
    public Uni<Void> process(UUID paymentId) {
        return Uni.createFrom().deferred(() -> {
            Optional<Payment> claimed = store.claim(paymentId, config.lease());
            if (claimed.isEmpty()) {
                return done();
            }
            Payment p = claimed.get();
            // The order's trace goes on through the provider call and the event that answers it: each part of the step
            // runs on a worker with the payment's span current (the outbox takes the traceparent from it), and the span
            // ends with the step.
            Span span = TraceContext.start(p.traceparent, "payment " + p.status.name().toLowerCase(),
                    SpanKind.INTERNAL);
            Executor worker = Context.root().with(span).wrap(workers);
            return Uni.createFrom().deferred(() -> step(p, worker))
                    .runSubscriptionOn(worker)
                    .onFailure().recoverWithUni(e -> {
                        // Whatever broke, the lease expires and the recovery job tries again: log, never lose the
                        // payment.
                        Log.errorf(e, "payment %s (order %s) attempt %d failed unexpectedly", p.id, p.orderId,
                                p.attempts);
                        return onWorker(worker, () -> store.retryLater(p.id, backoff(p.attempts)));
                    })
                    .onTermination().invoke(span::end);
        });
    }

    private Uni<Void> step(Payment p, Executor worker) {
        if (p.status == PaymentStatus.PROCESSING) {
            return capture(p, worker);
        } else if (p.status == PaymentStatus.REFUNDING) {
            return refund(p, worker);
        }
        return done();
    }

    private Uni<Void> capture(Payment p, Executor worker) {
        if (p.cancelRequested && p.attempts == 1) {
            // Cancelled before we ever contacted the provider: nothing to charge, nothing to refund.
            store.fail(p.id, "ORDER_CANCELLED", "the order was cancelled before it was charged");
            count("cancelled-before-charge");
            return done();
        }
        if (p.attempts > 1) {
            return statusByOrder(p.orderId, worker).chain(known -> known instanceof Outcome.NotFound
                    ? confirm(p, worker) : settleCapture(p, known));
        }
        return confirm(p, worker);
    }

    /** Sends the confirm (same Idempotency-Key on every attempt) and settles the payment by what is known after it. */
    private Uni<Void> confirm(Payment p, Executor worker) {
        Timer.Sample sample = Timer.start(metrics);
        return ask(worker, () -> provider.confirm(captureKey(p.id),
                        new ConfirmRequest(p.paymentToken, p.orderId, p.amount))
                .onTermination().invoke(() -> sample.stop(confirmLatency)))
                .onItemOrFailure().transformToUni((r, failure) -> {
                    if (failure == null) {
                        if (p.attempts == 1 && p.createdAt != null) {
                            pipeline.record(Pipeline.PROVIDER_ANSWERED, Duration.between(p.createdAt, Instant.now()));
                        }
                        return r.isDone() ? Uni.createFrom().<Outcome>item(new Outcome.Approved(r.paymentKey()))
                                : statusByOrder(p.orderId, worker);
                    }
                    if (failure instanceof ProviderRejectedException e) {
                        return ALREADY_PROCESSED.equals(e.code()) ? statusByOrder(p.orderId, worker)
                                : Uni.createFrom().<Outcome>item(new Outcome.Declined(e.code(), e.providerMessage()));
                    }
                    if (unanswered(failure)) {
                        Log.infof("confirm of order %s has no answer (%s): asking the provider for its status",
                                p.orderId, failure.getClass().getSimpleName());
                        if (failure instanceof TimeoutException
                                || (failure instanceof ProviderUnavailableException u && u.mayBeInFlight())) {
                            // It may still be captured: this payment may not be given up before the settle window is
                            // over.
                            p.confirmUnansweredAt = store.confirmUnanswered(p.id);
                        }
                        return statusByOrder(p.orderId, worker);
                    }
                    return Uni.createFrom().<Outcome>failure(failure);
                })
                .chain(outcome -> settleCapture(p, outcome));
    }

    /** Runs on a worker. */
    private Uni<Void> settleCapture(Payment p, Outcome outcome) {
        if (outcome instanceof Outcome.Approved a) {
            boolean refundNow = store.approve(p.id, a.paymentKey());
            count("approved");
            if (refundNow) {
                return process(p.id); // cancelled meanwhile: refunded in the same step, on this worker
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
        return done();
    }

    /** A confirm of ours went unanswered less than the settle window ago: the provider may still capture it. */
    private boolean mayStillLand(Payment p) {
        return p.confirmUnansweredAt != null
                && Instant.now().isBefore(p.confirmUnansweredAt.plus(config.confirmSettleWindow()));
    }

    /**
     * One FAILED payment after which a confirm had gone unanswered, asked about again: captured after all (a late
     * success) → refunded at the provider, since the order already failed and its seats went back on sale; nothing
     * captured → recorded as such; no answer → asked again at the next run. Its database steps run on a worker; the
     * caller may wait for it anywhere but on an event loop.
     */
    public Uni<Void> reconcile(Payment p) {
        return statusByOrder(p.orderId, workers).chain(known -> {
            if (known instanceof Outcome.Approved a) {
                return ask(workers, () -> provider.cancel(a.paymentKey(), refundKey(p.id),
                        new CancelRequest("order failed before the payment completed (late capture)")))
                        .onItemOrFailure().transformToUni((r, failure) -> {
                            if (failure instanceof ProviderRejectedException e && !ALREADY_CANCELED.equals(e.code())) {
                                Log.errorf("late capture of failed order %s could not be refunded: %s", p.orderId,
                                        e.getMessage());
                                store.reconciled(p.id, "REFUND_REFUSED " + e.code(), a.paymentKey());
                                count("reconcile-refund-refused");
                                return done();
                            }
                            if (unanswered(failure)) {
                                return done(); // next run: the cancel carries the same Idempotency-Key
                            }
                            if (failure != null && !(failure instanceof ProviderRejectedException)) {
                                return Uni.createFrom().<Void>failure(failure);
                            }
                            Log.warnf("order %s: the provider captured after the payment had failed; refunded",
                                    p.orderId);
                            store.reconciled(p.id, "REFUNDED_LATE_CAPTURE", a.paymentKey());
                            count("reconciled-refunded");
                            return done();
                        });
            } else if (known instanceof Outcome.Cancelled) {
                store.reconciled(p.id, "ALREADY_CANCELLED", null);
                count("reconciled-cancelled");
            } else if ((known instanceof Outcome.NotFound || known instanceof Outcome.Declined) && !mayStillLand(p)) {
                store.reconciled(p.id, "NOTHING_CAPTURED", null);
                count("reconciled-nothing");
            }
            // InProgress, Unknown, or still inside the settle window: ask again next time.
            return done();
        });
    }

    private Uni<Void> refund(Payment p, Executor worker) {
        String reason = p.cancelReason == null || p.cancelReason.isBlank() ? "order cancelled" : p.cancelReason;
        if (p.attempts > 1) {
            return statusByPaymentKey(p.providerReference, worker).chain(known -> {
                if (known instanceof Outcome.Cancelled) {
                    store.refunded(p.id);
                    count("refunded");
                    return done();
                }
                if (known instanceof Outcome.Unknown) {
                    store.retryLater(p.id, backoff(p.attempts));
                    return done();
                }
                return cancel(p, reason, worker);
            });
        }
        return cancel(p, reason, worker);
    }

    /** Sends the refund (same Idempotency-Key on every attempt) and records what is known after it. */
    private Uni<Void> cancel(Payment p, String reason, Executor worker) {
        return ask(worker, () -> provider.cancel(p.providerReference, refundKey(p.id), new CancelRequest(reason)))
                .onItemOrFailure().transformToUni((r, failure) -> {
                    if (failure == null || (failure instanceof ProviderRejectedException already
                            && ALREADY_CANCELED.equals(already.code()))) {
                        store.refunded(p.id);
                        count("refunded");
                        return done();
                    }
                    if (failure instanceof ProviderRejectedException e) {
                        Log.errorf("refund of order %s refused by the provider: %s", p.orderId, e.getMessage());
                        store.refundFailed(p.id, e.code(), e.providerMessage());
                        count("refund-failed");
                        return done();
                    }
                    if (unanswered(failure)) {
                        return statusByPaymentKey(p.providerReference, worker).invoke(known -> {
                            if (known instanceof Outcome.Cancelled) {
                                store.refunded(p.id);
                                count("refunded");
                            } else {
                                store.retryLater(p.id, backoff(p.attempts));
                            }
                        }).replaceWithVoid();
                    }
                    return Uni.createFrom().<Void>failure(failure);
                });
    }

    private Uni<Outcome> statusByOrder(String orderId, Executor worker) {
        return ask(worker, () -> provider.findByOrderId(orderId))
                .map(found -> found.map(PaymentProcessor::outcomeOf).orElse(new Outcome.NotFound()))
                .onFailure().recoverWithItem(e -> new Outcome.Unknown(e.toString()));
    }

    private Uni<Outcome> statusByPaymentKey(String paymentKey, Executor worker) {
        return ask(worker, () -> provider.findByPaymentKey(paymentKey))
                .map(found -> found.map(PaymentProcessor::outcomeOf).orElse(new Outcome.NotFound()))
                .onFailure().recoverWithItem(e -> new Outcome.Unknown(e.toString()));
    }

    /**
     * A provider call: no thread waits for it, and its answer or failure is handed to a worker, since it arrives on an
     * event loop or a timer thread, where the database steps that follow must never run.
     */
    private static <T> Uni<T> ask(Executor worker, Supplier<Uni<? extends T>> call) {
        return Uni.createFrom().<T>deferred(call).emitOn(worker);
    }

    private static Uni<Void> onWorker(Executor worker, Runnable step) {
        return Uni.createFrom().voidItem().invoke(step).runSubscriptionOn(worker);
    }

    private static Uni<Void> done() {
        return Uni.createFrom().voidItem();
    }

    /** No answer: the request may or may not have been processed. */
    private static boolean unanswered(Throwable e) {
        return e instanceof TimeoutException || e instanceof ProviderUnavailableException
                || e instanceof CircuitBreakerOpenException;
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
