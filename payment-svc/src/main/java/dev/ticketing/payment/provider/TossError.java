package dev.ticketing.payment.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Toss' error body. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TossError(String code, String message) {
}
