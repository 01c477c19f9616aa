package dev.ticketing.payment.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The fields of Toss' Payment object this service relies on (the provider sends many more). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TossPayment(String paymentKey, String orderId, String status, long totalAmount, long balanceAmount,
                          String approvedAt, Failure failure) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Failure(String code, String message) {
    }

    public boolean isDone() {
        return "DONE".equals(status);
    }

    public boolean isCanceled() {
        return "CANCELED".equals(status) || "PARTIAL_CANCELED".equals(status);
    }

    /** The provider will never capture this one: declined, abandoned or expired. */
    public boolean isAborted() {
        return "ABORTED".equals(status) || "EXPIRED".equals(status);
    }
}
