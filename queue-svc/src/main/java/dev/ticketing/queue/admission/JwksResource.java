package dev.ticketing.queue.admission;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

/** Public keys of admission tokens, fetched by booking-svc (public: no auth). */
@Path("/api/queues/.well-known/jwks.json")
public class JwksResource {

    private final AdmissionTokens tokens;

    public JwksResource(AdmissionTokens tokens) {
        this.tokens = tokens;
    }

    @GET
    @Produces("application/json")
    public Response jwks() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(tokens.jwks()).cacheControl(cache).build();
    }
}
