package dev.ticketing.engines;

/**
 * Runs inside an engine JVM: exits (so the engine's shutdown hooks stop it cleanly) as soon as the owner process
 * is gone. This is what keeps brokers and nodes from outliving a build, a failed test JVM or a Ctrl-C'd stack.
 */
public final class Watchdog {
    private Watchdog() {
    }

    public static void exitWhenGone(long ownerPid) {
        if (ownerPid <= 0) {
            return;
        }
        Thread t = new Thread(() -> {
            var owner = ProcessHandle.of(ownerPid);
            while (owner.isPresent() && owner.get().isAlive()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("[engine] owner process " + ownerPid + " is gone; shutting down");
            System.exit(0);
        }, "owner-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
