package dev.ticketing.payment.provider;

/** Body of Toss' {@code POST /v1/payments/confirm}. Amounts are KRW integers. */
public record ConfirmRequest(String paymentKey, String orderId, long amount) {
}
