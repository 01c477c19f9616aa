package dev.ticketing.payment.provider;

/** A definitive "no" from the provider (4xx): retrying the same request cannot change it. */
public class ProviderRejectedException extends RuntimeException {
    private final int status;
    private final String code;

    public ProviderRejectedException(int status, String code, String message) {
        super(code + ": " + message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String providerMessage() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }
}
