package dev.ticketing.queue.waitingroom;

import dev.ticketing.queue.room.RoomId;
import dev.ticketing.queue.room.RoomNotFoundException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Enter, look at and leave the line. The user is the access token's subject. Every method returns a {@link Uni}: it
 * runs on the event loop end to end (token verified there too, quarkus.smallrye-jwt.blocking-authentication=false),
 * one Redis round trip per request. The id is checked by hand ({@link RoomId#require}), not by Bean Validation, on
 * this path every fan takes.
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
    public Uni<RestResponse<EntryStatus>> enter(@PathParam("performanceId") String performanceId) {
        return room.enter(RoomId.require(performanceId), jwt.getSubject(), null).map(entry ->
                RestResponse.status(entry.kept() ? RestResponse.Status.OK : RestResponse.Status.CREATED, entry.status()));
    }

    @GET
    @Path("/me")
    public Uni<EntryStatus> me(@PathParam("performanceId") String performanceId) {
        return room.status(RoomId.require(performanceId), jwt.getSubject()).onItem().ifNull()
                .failWith(() -> new RoomNotFoundException.NotInRoom(performanceId));
    }

    @DELETE
    @Path("/me")
    public Uni<Response> leave(@PathParam("performanceId") String performanceId) {
        return room.leave(RoomId.require(performanceId), jwt.getSubject()).map(ended -> Response.noContent().build());
    }
}
