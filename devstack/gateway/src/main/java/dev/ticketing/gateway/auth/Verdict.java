package dev.ticketing.gateway.auth;

/** What auth-svc's verify endpoint said about a request. */
public sealed interface Verdict {

    /** 2xx: the identity to pass to the backend, as ingress-nginx's auth-response-headers do. */
    record Allowed(String userId, String roles) implements Verdict { }

    /** 401/403: the request stops at the edge with this status. */
    record Denied(int status) implements Verdict { }
}
