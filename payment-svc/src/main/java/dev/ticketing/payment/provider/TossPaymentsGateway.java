package dev.ticketing.payment.provider;

import dev.ticketing.payment.config.PaymentConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
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
import java.util.function.Supplier;

/**
 * The boundary to the payment provider: every call is bounded by a timeout, 5xx answers are retried with
 * exponential backoff (same Idempotency-Key, so a retry can never charge twice), and a circuit breaker stops
 * hammering a provider that is down. A timed-out confirm or cancel is NOT retried here: the caller resolves it by
 * asking the provider for the payment's status. Values are tunable per method in application.properties.
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

    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = ProviderUnavailableException.class,
            abortOn = {ProviderRejectedException.class, TimeoutException.class})
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = ProviderRejectedException.class)
    @CircuitBreakerName("toss-confirm")
    public TossPayment confirm(String idempotencyKey, ConfirmRequest request) {
        return call(() -> client.confirm(authorization, idempotencyKey, request));
    }

    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = ProviderUnavailableException.class,
            abortOn = {ProviderRejectedException.class, TimeoutException.class})
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = ProviderRejectedException.class)
    @CircuitBreakerName("toss-cancel")
    public TossPayment cancel(String paymentKey, String idempotencyKey, CancelRequest request) {
        return call(() -> client.cancel(authorization, idempotencyKey, paymentKey, request));
    }

    /** The provider's view of an order's payment; empty when the provider never recorded one. */
    @Timeout(3000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = {ProviderUnavailableException.class,
            TimeoutException.class}, abortOn = ProviderRejectedException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = ProviderRejectedException.class)
    @CircuitBreakerName("toss-status-by-order")
    public Optional<TossPayment> findByOrderId(String orderId) {
        return found(() -> client.byOrderId(authorization, orderId));
    }

    @Timeout(3000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = {ProviderUnavailableException.class,
            TimeoutException.class}, abortOn = ProviderRejectedException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = ProviderRejectedException.class)
    @CircuitBreakerName("toss-status-by-key")
    public Optional<TossPayment> findByPaymentKey(String paymentKey) {
        return found(() -> client.byPaymentKey(authorization, paymentKey));
    }

    private static Optional<TossPayment> found(Supplier<TossPayment> lookup) {
        try {
            return Optional.of(call(lookup));
        } catch (ProviderRejectedException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static TossPayment call(Supplier<TossPayment> request) {
        try {
            return request.get();
        } catch (ProcessingException e) {
            // Connection refused/reset, read timeout of the HTTP client itself: nothing known about the outcome.
            throw new ProviderUnavailableException("provider unreachable: " + e.getMessage(), e);
        }
    }
}
