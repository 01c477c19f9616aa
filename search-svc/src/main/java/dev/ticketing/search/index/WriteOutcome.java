package dev.ticketing.search.index;

/** What the engine did with a versioned write. */
public enum WriteOutcome {
    /** The document now holds this version. */
    APPLIED,
    /** The index already holds this version or a newer one: the write was refused (replay, or out of order). */
    STALE
}
