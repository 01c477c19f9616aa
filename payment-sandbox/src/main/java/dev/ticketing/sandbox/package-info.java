/**
 * A local stand-in for the external payment provider. It speaks Toss Payments' v1 API shape over HTTP
 * ({@code POST /v1/payments/confirm}, {@code GET /v1/payments/{paymentKey}}, {@code GET /v1/payments/orders/{orderId}},
 * {@code POST /v1/payments/{paymentKey}/cancel}, Basic auth with the secret key, {@code Idempotency-Key},
 * error body {@code {code, message}}) with deterministic test tokens, fault injection and a ledger of money moved.
 * Start it embedded with {@link dev.ticketing.sandbox.PaymentSandbox#start} or as its own process with
 * {@link dev.ticketing.sandbox.PaymentSandbox#main}.
 */
package dev.ticketing.sandbox;
