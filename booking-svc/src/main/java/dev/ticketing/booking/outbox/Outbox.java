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

    @Transactional(Transactional.TxType.MANDATORY)
    public UUID append(String topic, String key, String type, Object payload) {
        UUID id = UUID.randomUUID();
        ObjectNode event = json.createObjectNode();
        event.put("eventId", id.toString());
        event.put("type", type);
        event.put("schemaVersion", SCHEMA_VERSION);
        event.put("occurredAt", OffsetDateTime.now(ZoneOffset.UTC).toString());
        event.setAll((ObjectNode) json.valueToTree(payload));
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "insert into outbox_event (id, topic, event_key, event_type, payload, traceparent) "
                             + "values (?, ?, ?, ?, ?::jsonb, ?)")) {
            ps.setObject(1, id);
            ps.setString(2, topic);
            ps.setString(3, key);
            ps.setString(4, type);
            ps.setString(5, json.writeValueAsString(event));
            ps.setString(6, TraceContext.current());
            ps.executeUpdate();
            appended.fire(new Appended());
            return id;
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write outbox event " + type, e);
        }
    }
}
