package dev.ticketing.payment.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Toss' error body. Registered for reflection: the client's exception mapper reads it with readEntity, which no client
 * method signature names (native images).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record TossError(String code, String message) {
}
