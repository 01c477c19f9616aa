package dev.ticketing.queue.room;

import java.util.regex.Pattern;

/** Performance ids are opaque, but they become part of Redis keys: no braces (hash tag), no spaces, bounded. */
public final class RoomId {
    public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9._:-]{0,63}";
    public static final String MESSAGE = "must be 1-64 letters, digits, '.', '_', ':' or '-'";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private RoomId() {
    }

    public static boolean isValid(String id) {
        return id != null && COMPILED.matcher(id).matches();
    }

    /**
     * Checks a path parameter on the hot path without Bean Validation (a tenth of an enter's CPU in a profile);
     * answered as the same 400 with a field violation.
     */
    public static String require(String id) {
        if (!isValid(id)) {
            throw new Invalid();
        }
        return id;
    }

    /** A malformed performance id: 400, violation on {@code performanceId}. Expected, so no stack trace. */
    public static final class Invalid extends RuntimeException {
        Invalid() {
            super(MESSAGE, null, false, false);
        }
    }
}
