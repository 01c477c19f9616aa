package dev.ticketing.payment.provider;

/** Body of Toss' {@code POST /v1/payments/{paymentKey}/cancel}: a full cancellation needs only the reason. */
public record CancelRequest(String cancelReason) {
}
