package dev.ticketing.payment.tracing;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An order's trace crosses Kafka through the outbox: the W3C {@code traceparent} of the span that appended an event is
 * stored with the outbox row (and with the payment, whose provider call runs later on a worker) and sent as the
 * record's {@code traceparent} header; a consumer continues the trace in a span of its own. Done by hand rather than
 * by the messaging tracing, because the relay sends long after the request's span has ended and the batch consumers
 * handle many records, each with its own trace.
 */
public final class TraceContext {

    public static final String HEADER = "traceparent";

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceContext() {
    }

    /** The current span as a W3C traceparent, or null outside any trace. */
    public static String current() {
        SpanContext c = Span.current().getSpanContext();
        if (!c.isValid()) {
            return null;
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    /** The record's traceparent header, or null. */
    public static String of(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(HEADER);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Starts a span continuing {@code traceparent} (a new trace when it is null or malformed) and makes it current;
     * closing the returned scope ends it.
     */
    public static Scope continueFrom(String traceparent, String name, SpanKind kind) {
        Span span = start(traceparent, name, kind);
        Scope scope = span.makeCurrent();
        return () -> {
            scope.close();
            span.end();
        };
    }

    /**
     * Starts a span continuing {@code traceparent} (a new trace when it is null or malformed) without making it
     * current: for work that goes on across threads, each part makes it current ({@link Context#wrap}) and the last
     * one ends it.
     */
    public static Span start(String traceparent, String name, SpanKind kind) {
        Context parent = traceparent == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(HEADER, traceparent), GETTER);
        Tracer tracer = GlobalOpenTelemetry.getTracer("dev.ticketing.payment");
        return tracer.spanBuilder(name).setParent(parent).setSpanKind(kind).startSpan();
    }
}
