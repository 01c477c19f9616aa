package dev.ticketing.sandbox;

import java.util.Optional;

/**
 * The deterministic test cards of the design: the {@code paymentKey} a client confirms starts with one of these
 * (anything may follow, e.g. {@code tok_approve_42}).
 */
enum TestToken {
    APPROVE("tok_approve"),
    DECLINE("tok_decline"),
    SLOW("tok_slow"),
    /**
     * Late success: the confirm is neither answered nor visible to status queries for the late delay (longer than
     * any client timeout), then the payment is captured anyway. What a provider does when its answer is lost in a
     * timeout while the card network completes: the client sees a timeout and a "not found", then a capture.
     */
    LATE("tok_late"),
    ERROR("tok_error");

    final String prefix;

    TestToken(String prefix) {
        this.prefix = prefix;
    }

    static Optional<TestToken> of(String paymentKey) {
        for (TestToken t : values()) {
            if (paymentKey.startsWith(t.prefix)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
