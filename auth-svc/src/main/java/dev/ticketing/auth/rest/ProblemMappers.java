package dev.ticketing.auth.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** The one place where failures become application/problem+json (never a 500 for bad input). */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder r = response(Problem.of(e.status(), e.title(), e.getMessage()));
        e.headers().forEach(r::header);
        return r.build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field).thenComparing(Problem.Violation::message))
                .toList();
        String detail = violations.stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; "));
        return response(new Problem("about:blank", "Bad Request", 400, detail, null, violations)).build();
    }

    /** Malformed JSON or a value of the wrong type: name the field when Jackson knows it. */
    @ServerExceptionMapper(value = {JsonProcessingException.class, MismatchedInputException.class,
            JsonParseException.class}, priority = Priorities.USER - 100)
    public Response unreadable(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPath().stream()
                        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                        .collect(Collectors.joining("."))
                : "body";
        String message = field.equals("body") ? "must be a valid JSON object" : "has the wrong type";
        return response(new Problem("about:blank", "Bad Request", 400, field + ": " + message, null,
                List.of(new Problem.Violation(field, message)))).build();
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e) {
        return response(Problem.of(401, "Unauthorized", "A valid access token is required."))
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return response(Problem.of(403, "Forbidden", "This action needs a role you do not have.")).build();
    }

    /** 404, 405, 406, 415 ... from the framework keep their status but get the common shape. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException unreadableBody) {
            return unreadable(unreadableBody);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            Log.error("Request failed", e);
        }
        Response.StatusType type = e.getResponse().getStatusInfo();
        return response(Problem.of(status, type.getReasonPhrase(), e.getMessage())).build();
    }

    /** Anything else is our fault: log it, answer in the same shape without leaking internals. */
    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (Dependencies.unavailable(e)) { // the database down or the pool exhausted: come again, not our defect
            Log.warnf("Dependency unavailable: %s", e.toString());
            return response(Problem.of(503, "Service Unavailable", "Please try again shortly."))
                    .header("Retry-After", "2").build();
        }
        Log.error("Unexpected failure", e);
        return response(Problem.of(500, "Internal Server Error", "Something went wrong on our side.")).build();
    }

    private static Response.ResponseBuilder response(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }

    /** "signup.request.email" → "email": the path after the method parameter is what the client sent. */
    private static String fieldOf(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        boolean afterParameter = false;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.PARAMETER) {
                afterParameter = true;
                continue;
            }
            if (afterParameter && node.getName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }
}
