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
}
