package dev.ticketing.search.rebuild;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** booking-svc's catalog, the source of truth an index rebuild reads ({@code quarkus.rest-client.booking.url}). */
@RegisterRestClient(configKey = "booking")
@Path("/api/performances")
@Produces(MediaType.APPLICATION_JSON)
public interface BookingCatalogClient {

    /** A page of performances with their current versions; a transient failure is retried a few times. */
    @GET
    @Retry(maxRetries = 3, delay = 500, jitter = 200)
    CatalogPage page(@QueryParam("page") int page, @QueryParam("size") int size);
}
