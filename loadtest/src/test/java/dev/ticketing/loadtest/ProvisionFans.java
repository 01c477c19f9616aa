package dev.ticketing.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fans provisioned before the on-sale, as in real life: accounts {@code <fanPrefix>-000001@<fanDomain>} …
 * {@code users}, created idempotently and cheaply through auth-svc's bulk admin path ({@code POST
 * /api/auth/admin/fans}: one Argon2id hash computed here once, at auth-svc's sign-up cost, for all of them; tokens for
 * the accounts a call creates), and their tokens kept in the fan file ({@link FanFile}, owner-only). Run again, it
 * only creates what is missing, logs in (one Argon2 check each) only fans whose tokens were lost, and refreshes
 * ({@code /api/auth/refresh}, no hashing) every access token that would expire within {@code minValiditySeconds} —
 * run it right before the window and every fan starts with a fresh 15 minutes. Works against the local gateway or a
 * cluster's base URL ({@code -DbaseUrl}).
 * <p>
 * Parameters: {@code baseUrl users fanPrefix fanDomain (loadtest.ticketing.local) fansFile (target/fans/<prefix>.tsv)
 * minValiditySeconds (600) provisionChunk (1000) fanHashMemoryKib (19456) fanHashIterations (2) signupParallelism}.
 */
public final class ProvisionFans {

    private ProvisionFans() {
    }

    public static void main(String[] args) throws Exception {
        Params p = Params.fromSystem();
        List<Api.Fan> fans = provision(p, fansFile(p), Params.num("minValiditySeconds", 600));
        System.out.printf("[provision] %d fans ready in %s%n", fans.size(), fansFile(p).toAbsolutePath().normalize());
    }

    public static Path fansFile(Params p) {
        return Path.of(Params.str("fansFile", FanFile.defaultPath(p.fanPrefix()).toString()));
    }

    /** Makes sure fans 1..users exist with tokens valid for at least {@code minValiditySeconds}; returns them in order. */
    public static List<Api.Fan> provision(Params p, Path file, int minValiditySeconds) throws Exception {
        long t0 = System.currentTimeMillis();
        String domain = Params.str("fanDomain", "loadtest.ticketing.local");
        int chunk = Params.num("provisionChunk", 1000);
        Api api = new Api(p.baseUrl());
        String password = FanFile.password(file);
        Map<String, FanFile.Fan> known = new LinkedHashMap<>(FanFile.read(file));
        List<String> wanted = new ArrayList<>();
        for (int i = 1; i <= p.users(); i++) {
            wanted.add(String.format("%s-%06d@%s", p.fanPrefix(), i, domain));
        }

        // 1. create what is missing, in chunks (consecutive numbers missing from the file)
        int created = 0;
        Set<String> toLogIn = new HashSet<>();
        String admin = null;
        String hash = null;
        for (int start = 0; start < wanted.size(); ) {
            if (known.containsKey(wanted.get(start))) {
                start++;
                continue;
            }
            int end = start;
            while (end < wanted.size() && end - start < chunk && !known.containsKey(wanted.get(end))) {
                end++;
            }
            if (admin == null) {
                admin = api.login(p.adminEmail(), p.adminPassword());
                hash = Password.hash(password).addRandomSalt(16).with(Argon2Function.getInstance(
                        Params.num("fanHashMemoryKib", 19456), Params.num("fanHashIterations", 2), 1, 32, Argon2.ID))
                        .getResult();
            }
            ObjectNode body = Api.JSON.createObjectNode().put("emailPrefix", p.fanPrefix()).put("domain", domain)
                    .put("first", start + 1).put("count", end - start).put("passwordHash", hash).put("issueTokens", true);
            HttpResponse<String> r = api.send("POST", "/api/auth/admin/fans", admin, body);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("POST /api/auth/admin/fans: HTTP " + r.statusCode() + " " + r.body());
            }
            JsonNode result = Api.JSON.readTree(r.body());
            Set<String> fresh = new HashSet<>();
            for (JsonNode f : result.path("fans")) {
                String email = f.path("email").asText();
                fresh.add(email);
                known.put(email, new FanFile.Fan(email, f.path("userId").asText(), f.path("accessToken").asText(),
                        f.path("refreshToken").asText(), System.currentTimeMillis() + f.path("expiresIn").asLong() * 1000));
            }
            created += result.path("created").asInt();
            for (int i = start; i < end; i++) {
                if (!fresh.contains(wanted.get(i))) {
                    toLogIn.add(wanted.get(i)); // created by an earlier run whose file is gone: log in
                }
            }
            System.out.printf("[provision] fans %d..%d: %d created, %d existed (%d s)%n", start + 1, end,
                    result.path("created").asInt(), result.path("existing").asInt(), (System.currentTimeMillis() - t0) / 1000);
            FanFile.write(file, known.values());
            start = end;
        }

        // 2. fans that exist without tokens here: log in (one Argon2 check each on the server)
        AtomicInteger failed = new AtomicInteger();
        parallel(toLogIn, p.signupParallelism(), email -> {
            Api.Fan s = api.session(email, password);
            synchronized (known) {
                known.put(email, new FanFile.Fan(email, "", s.token(), s.refreshToken(), s.expiresAt()));
            }
        }, failed);

        // 3. refresh every access token that would expire within minValiditySeconds
        long needUntil = System.currentTimeMillis() + minValiditySeconds * 1000L;
        List<String> stale = wanted.stream().filter(e -> known.containsKey(e) && known.get(e).expiresAt() < needUntil).toList();
        parallel(stale, Math.max(4, p.signupParallelism() * 2), email -> {
            FanFile.Fan f = known.get(email);
            Api.Fan s;
            try {
                s = api.refresh(f.toApiFan());
            } catch (java.io.IOException expiredOrRevoked) {
                s = api.session(email, password); // the refresh token is gone (14 days, or revoked): log in again
            }
            synchronized (known) {
                known.put(email, new FanFile.Fan(email, f.userId(), s.token(), s.refreshToken(), s.expiresAt()));
            }
        }, failed);
        FanFile.write(file, known.values());
        System.out.printf("[provision] %d fans: %d created, %d logged in, %d refreshed, %d failed, in %d s%n",
                wanted.size(), created, toLogIn.size(), stale.size(), failed.get(), (System.currentTimeMillis() - t0) / 1000);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " fans could not be provisioned (see above)");
        }
        return wanted.stream().map(e -> known.get(e).toApiFan()).toList();
    }

    interface Step {
        void run(String email) throws Exception;
    }

    private static void parallel(Collection<String> emails, int threads, Step step, AtomicInteger failed) throws Exception {
        if (emails.isEmpty()) {
            return;
        }
        AtomicInteger wrongPassword = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String email : emails) {
                futures.add(pool.submit(() -> {
                    for (int attempt = 1; ; attempt++) {
                        if (wrongPassword.get() >= 3) {
                            failed.incrementAndGet(); // more wrong passwords would only trip the per-address login brake
                            return null;
                        }
                        try {
                            step.run(email);
                            return null;
                        } catch (Exception e) {
                            boolean refused = String.valueOf(e.getMessage()).contains("HTTP 401");
                            if (refused) {
                                wrongPassword.incrementAndGet(); // not transient: never retried
                            }
                            if (refused || attempt == 4) {
                                if (failed.incrementAndGet() <= 3) {
                                    System.out.println("[provision] " + email + ": " + e.getMessage()
                                            + " (an account from another run with its own password? use another -DfanPrefix)");
                                }
                                return null;
                            }
                            Thread.sleep(500L * attempt);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
