package dev.ticketing.search.rebuild;

/** A second rebuild while one is filling its index would race it for the alias. */
public class RebuildInProgressException extends RuntimeException {

    public RebuildInProgressException(String index) {
        super("a rebuild is already filling " + index);
    }
}
