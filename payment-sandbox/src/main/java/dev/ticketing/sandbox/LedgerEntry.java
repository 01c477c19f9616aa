package dev.ticketing.sandbox;

/** Money that actually moved at the provider: one CAPTURE per approved payment, one REFUND per cancel. */
public record LedgerEntry(long sequence, Kind kind, String orderId, String paymentKey, long amount, String at) {
    public enum Kind { CAPTURE, REFUND }
}
