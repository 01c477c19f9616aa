package dev.ticketing.auth.token;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Public keys for every service's smallrye-jwt (TICKETING_AUTH_JWKS_URL). */
@Path("/api/auth/jwks")
public class JwksResource {

    private final SigningKeys keys;

    public JwksResource(SigningKeys keys) {
        this.keys = keys;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response jwks() {
        // Short cache: a rotated key must reach verifiers well within one access-token lifetime.
        return Response.ok(keys.jwksJson()).header("Cache-Control", "public, max-age=300").build();
    }
}
