package dev.ticketing.payment.order;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The events payment-svc consumes from {@code order-events} (docs/architecture.md, Events). */
@RegisterForReflection(targets = {OrderEvents.OrderPlaced.class, OrderEvents.OrderCancelled.class})
public final class OrderEvents {
    public static final String TOPIC = "order-events";

    private OrderEvents() {
    }

    /** The order id doubles as the provider's orderId, so it must fit Toss' rule: 6..64 of [A-Za-z0-9_-]. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OrderPlaced(@NotNull UUID eventId, String type, int schemaVersion, OffsetDateTime occurredAt,
                              @NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{6,64}") String orderId,
                              @NotBlank @Size(max = 100) String userId,
                              String performanceId, String showtimeId, List<String> seatIds,
                              @NotNull @Positive Long amount,
                              @NotNull @Pattern(regexp = "KRW") String currency,
                              @NotBlank @Size(max = 200) String paymentToken) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OrderCancelled(@NotNull UUID eventId, String type, int schemaVersion, OffsetDateTime occurredAt,
                                 @NotBlank String orderId, String userId, @Size(max = 200) String reason) {
    }
}
