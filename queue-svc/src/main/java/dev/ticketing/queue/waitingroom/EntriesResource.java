package dev.ticketing.queue.waitingroom;

import dev.ticketing.queue.room.RoomId;
import dev.ticketing.queue.room.RoomNotFoundException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Enter, look at and leave the line. The user is the access token's subject. Every method returns a {@link Uni}: it
 * runs on the event loop end to end (token verified there too, quarkus.smallrye-jwt.blocking-authentication=false),
 * one Redis round trip per request.
 */
@Path("/api/queues/{performanceId}/entries")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class EntriesResource {

    private final WaitingRoom room;
    private final JsonWebToken jwt;

    public EntriesResource(WaitingRoom room, JsonWebToken jwt) {
        this.room = room;
        this.jwt = jwt;
    }

    /** 201 when placed at the back of the line (first entry or re-entry), 200 when an admitted session is kept. */
    @POST
    public Uni<Response> enter(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId) {
        return room.enter(performanceId, jwt.getSubject(), null).map(entry ->
                Response.status(entry.kept() ? Response.Status.OK : Response.Status.CREATED).entity(entry.status()).build());
    }

    @GET
    @Path("/me")
    public Uni<EntryStatus> me(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId) {
        return room.status(performanceId, jwt.getSubject()).onItem().ifNull()
                .failWith(() -> new RoomNotFoundException.NotInRoom(performanceId));
    }

    @DELETE
    @Path("/me")
    public Uni<Response> leave(@PathParam("performanceId") @Pattern(regexp = RoomId.PATTERN, message = RoomId.MESSAGE) String performanceId) {
        return room.leave(performanceId, jwt.getSubject()).map(ended -> Response.noContent().build());
    }
}
