-- The W3C traceparent of the span that wrote the row, so an order's trace crosses Kafka (sent as the record's
-- traceparent header) and the worker that calls the provider later continues it. Null outside a trace.
alter table outbox_event add column traceparent text;
alter table payment add column traceparent text;
