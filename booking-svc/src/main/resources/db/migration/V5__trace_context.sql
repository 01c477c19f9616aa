-- The W3C traceparent of the span that wrote the event (an order request, a payment result), sent as the Kafka
-- record's traceparent header so one trace follows an order through payment-svc and back. Null outside a trace.
alter table outbox_event add column traceparent text;
