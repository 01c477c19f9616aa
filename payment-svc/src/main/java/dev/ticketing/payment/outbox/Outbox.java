package dev.ticketing.payment.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.payment.tracing.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Writes an event into {@code outbox_event} inside the caller's transaction: the event exists if and only if the
 * state change it describes was committed. {@link OutboxRelay} publishes it afterwards, with the trace context of the
 * span that appended it.
 */
@ApplicationScoped
public class Outbox {

    /** Fired inside the transaction; the relay observes it after a successful commit to publish right away. */
    public record Appended() {
    }

    private final EntityManager em;
    private final ObjectMapper mapper;
    private final Event<Appended> appended;

    public Outbox(EntityManager em, ObjectMapper mapper, Event<Appended> appended) {
        this.em = em;
        this.mapper = mapper;
        this.appended = appended;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void append(PaymentEvent event) {
        String payload;
        try {
            payload = mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + event.type(), e);
        }
        em.createNativeQuery("""
                        insert into outbox_event (id, topic, event_key, event_type, payload, occurred_at, traceparent)
                        values (cast(:id as uuid), :topic, :key, :type, cast(:payload as jsonb), :occurredAt,
                                :traceparent)""")
                .setParameter("id", event.eventId().toString())
                .setParameter("topic", PaymentEvents.TOPIC)
                .setParameter("key", event.orderId())
                .setParameter("type", event.type())
                .setParameter("payload", payload)
                .setParameter("occurredAt", event.occurredAt())
                .setParameter("traceparent", TraceContext.current())
                .executeUpdate();
        appended.fire(new Appended());
    }
}
