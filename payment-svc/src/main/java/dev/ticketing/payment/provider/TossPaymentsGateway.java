package dev.ticketing.payment.provider;

import dev.ticketing.payment.config.PaymentConfig;
import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The boundary to the payment provider: every call is bounded by a timeout, 5xx answers are retried with
 * exponential backoff (same Idempotency-Key, so a retry can never charge twice), and a circuit breaker stops
 * hammering a provider that is down. A timed-out confirm or cancel is NOT retried here: the caller resolves it by
 * asking the provider for the payment's status. Values are tunable per method in application.properties.
 * <p>
 * Every method is non-blocking ({@link AsynchronousNonBlocking} on a {@code Uni}): the timeout, the retry delays and
 * the circuit breaker act on the returned {@code Uni} without holding a thread, so the number of calls waiting for the
 * provider is bounded by the caller (charge/PaymentWorkers' in-flight limit), not by a thread pool. The outcome
 * arrives on whatever thread completed it (a Vert.x event loop, a timer): callers must not block on it there.
 */
@ApplicationScoped
public class TossPaymentsGateway {

    private final TossPaymentsClient client;
    private final String authorization;

    public TossPaymentsGateway(@RestClient TossPaymentsClient client, PaymentConfig config) {
        this.client = client;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (config.provider().secretKey() + ":").getBytes(StandardCharsets.UTF_8));
    }

    @AsynchronousNonBlocking
    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = ProviderUnavailableException.class,
            abortOn = {ProviderRejectedException.class, TimeoutException.class})
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = ProviderRejectedException.class)
    @CircuitBreakerName("toss-confirm")
    public Uni<TossPayment> confirm(String idempotencyKey, ConfirmRequest request) {
        return call(client.confirm(authorization, idempotencyKey, request));
    }

    @AsynchronousNonBlocking
    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = ProviderUnavailableException.class,
            abortOn = {ProviderRejectedException.class, TimeoutException.class})
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = ProviderRejectedException.class)
    @CircuitBreakerName("toss-cancel")
    public Uni<TossPayment> cancel(String paymentKey, String idempotencyKey, CancelRequest request) {
        return call(client.cancel(authorization, idempotencyKey, paymentKey, request));
    }

    /** The provider's view of an order's payment; empty when the provider never recorded one. */
    @AsynchronousNonBlocking
    @Timeout(3000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = {ProviderUnavailableException.class,
            TimeoutException.class}, abortOn = ProviderRejectedException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = ProviderRejectedException.class)
    @CircuitBreakerName("toss-status-by-order")
    public Uni<Optional<TossPayment>> findByOrderId(String orderId) {
        return found(client.byOrderId(authorization, orderId));
    }

    @AsynchronousNonBlocking
    @Timeout(3000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = {ProviderUnavailableException.class,
            TimeoutException.class}, abortOn = ProviderRejectedException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = ProviderRejectedException.class)
    @CircuitBreakerName("toss-status-by-key")
    public Uni<Optional<TossPayment>> findByPaymentKey(String paymentKey) {
        return found(client.byPaymentKey(authorization, paymentKey));
    }

    /** A 404 is an answer ("no such payment"), not a failure: it neither trips the breaker nor is retried. */
    private static Uni<Optional<TossPayment>> found(Uni<TossPayment> lookup) {
        return call(lookup).map(Optional::of)
                .onFailure(e -> e instanceof ProviderRejectedException r && r.status() == 404)
                .recoverWithItem(Optional.empty());
    }

    private static Uni<TossPayment> call(Uni<TossPayment> request) {
        // Connection refused/reset, read timeout of the HTTP client itself: nothing known about the outcome.
        return request.onFailure(ProcessingException.class).transform(e ->
                new ProviderUnavailableException("provider unreachable: " + e.getMessage(), e));
    }
}
