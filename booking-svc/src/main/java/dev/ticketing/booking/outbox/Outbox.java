package dev.ticketing.booking.outbox;

import dev.ticketing.booking.tracing.TraceContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes an event in the caller's transaction: it is committed together with the state change it describes, or not
 * at all. {@link OutboxRelay} publishes it afterwards, with the trace context of the span that appended it.
 */
@ApplicationScoped
public class Outbox {
    public static final int SCHEMA_VERSION = 1;

    /** Fired inside the transaction; the relay observes it after a successful commit to publish right away. */
    public record Appended() {
    }

    private final AgroalDataSource db;
    private final ObjectMapper json;
    private final Event<Appended> appended;

    public Outbox(AgroalDataSource db, ObjectMapper json, Event<Appended> appended) {
        this.db = db;
        this.json = json;
        this.appended = appended;
    }

    /** One event to append, with the trace context it continues (null: none). */
    public record Pending(String topic, String key, String type, Object payload, String traceparent) {
    }

    private static final String INSERT = "insert into outbox_event (id, topic, event_key, event_type, payload, traceparent) "
            + "values (?, ?, ?, ?, ?::jsonb, ?)";

    @Transactional(Transactional.TxType.MANDATORY)
    public UUID append(String topic, String key, String type, Object payload) {
        return appendAll(List.of(new Pending(topic, key, type, payload, TraceContext.current()))).get(0);
    }

    /** Many events in one JDBC batch (one round trip): what a consumer's poll produces. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<UUID> appendAll(List<Pending> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        List<UUID> ids = new ArrayList<>(events.size());
        String occurredAt = OffsetDateTime.now(ZoneOffset.UTC).toString();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Pending e : events) {
                UUID id = UUID.randomUUID();
                ObjectNode event = json.createObjectNode();
                event.put("eventId", id.toString());
                event.put("type", e.type());
                event.put("schemaVersion", SCHEMA_VERSION);
                event.put("occurredAt", occurredAt);
                event.setAll((ObjectNode) json.valueToTree(e.payload()));
                ps.setObject(1, id);
                ps.setString(2, e.topic());
                ps.setString(3, e.key());
                ps.setString(4, e.type());
                ps.setString(5, json.writeValueAsString(event));
                ps.setString(6, e.traceparent());
                if (events.size() == 1) {
                    ps.executeUpdate();
                } else {
                    ps.addBatch();
                }
                ids.add(id);
            }
            if (events.size() > 1) {
                ps.executeBatch();
            }
            appended.fire(new Appended());
            return ids;
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + events.size() + " outbox events, first "
                    + events.get(0).type(), e);
        }
    }
}
