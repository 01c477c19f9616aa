package dev.ticketing.payment.provider;

/** The provider could not answer (5xx, 429, connection failure): the outcome of the request is unknown. */
public class ProviderUnavailableException extends RuntimeException {
    public ProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
