package dev.ticketing.search.rebuild;

import dev.ticketing.search.problem.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Admin: rebuild the search index from booking-svc's catalog. */
@Path("/api/search/admin")
public class RebuildResource {

    private final IndexRebuild rebuild;

    public RebuildResource(IndexRebuild rebuild) {
        this.rebuild = rebuild;
    }

    @POST
    @Path("/rebuild")
    @RolesAllowed("admin")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fill a new index from booking-svc and swap the alias to it (searches keep answering)")
    public RebuildReport rebuild() {
        return rebuild.rebuild();
    }

    @ServerExceptionMapper
    public Response inProgress(RebuildInProgressException e) {
        return Response.status(409).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(409, "Conflict", e.getMessage())).build();
    }
}
