package dev.ticketing.booking.outbox;

/** Topic names are part of the platform contract (docs/architecture.md). */
public final class Topics {
    public static final String PERFORMANCE_EVENTS = "performance-events";
    public static final String ORDER_EVENTS = "order-events";
    public static final String PAYMENT_EVENTS = "payment-events";
    public static final String BOOKING_EVENTS = "booking-events";

    private Topics() {
    }
}
