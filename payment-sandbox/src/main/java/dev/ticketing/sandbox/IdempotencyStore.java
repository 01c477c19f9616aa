package dev.ticketing.sandbox;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Same {@code Idempotency-Key} ⇒ same stored response (Toss and Stripe semantics): the first request with a key is
 * executed and its answer kept; a repeat gets that answer back without running anything; a repeat while the first
 * is still running gets 409; a key reused for a different request gets 400. Server errors (5xx) are not stored, so
 * the client may retry them with the same key.
 */
final class IdempotencyStore {

    record Reply(int status, Object body) {
    }

    private record Entry(String fingerprint, CompletableFuture<Reply> reply) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    Reply execute(String key, String fingerprint, Supplier<Reply> action) {
        if (key == null || key.isBlank()) {
            return action.get();
        }
        if (key.length() > 300) {
            throw ProviderError.badRequest("Idempotency-Key must be at most 300 characters");
        }
        Entry mine = new Entry(fingerprint, new CompletableFuture<>());
        Entry existing = entries.putIfAbsent(key, mine);
        if (existing != null) {
            if (!existing.fingerprint.equals(fingerprint)) {
                throw ProviderError.badRequest("Idempotency-Key was already used for a different request");
            }
            if (!existing.reply.isDone()) {
                throw new ProviderError(409, "IDEMPOTENT_REQUEST_PROCESSING", "이전 멱등 요청이 아직 처리 중입니다.");
            }
            return existing.reply.join();
        }
        Reply reply;
        try {
            reply = action.get();
        } catch (ProviderError e) {
            reply = new Reply(e.status, Map.of("code", e.code, "message", e.getMessage()));
        } catch (RuntimeException e) {
            entries.remove(key, mine);
            throw e;
        }
        if (reply.status() >= 500) {
            entries.remove(key, mine);
        } else {
            mine.reply.complete(reply);
        }
        return reply;
    }
}
