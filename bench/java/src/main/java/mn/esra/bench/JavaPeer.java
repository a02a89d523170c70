package mn.esra.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.camunda.bpm.client.ExternalTaskClient;

/**
 * The Java peer of the worker benchmark: Camunda's external-task client 7.24 completing every task of one topic,
 * in several clients (each fetches and works in a thread of its own). Driven over stdin/stdout like the Python
 * peer (bench/peers.py): prints READY; each "go" starts fresh clients, "count" answers the completions so far, each
 * "stop" stops them and prints one JSON line (the counts of that cycle).
 * Authenticates with HTTP Basic (BENCH_ENGINE_USER, BENCH_ENGINE_PASSWORD) through a request interceptor.
 */
public final class JavaPeer {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String url = options.get("url");
        String topic = options.getOrDefault("topic", "bench-noop");
        int clients = Integer.parseInt(options.getOrDefault("clients", "4"));
        int maxTasks = Integer.parseInt(options.getOrDefault("max-tasks", "50"));
        long longPollMs = Long.parseLong(options.getOrDefault("long-poll-ms", "10000"));
        long lockMs = Long.parseLong(options.getOrDefault("lock-ms", "60000"));
        String credentials = System.getenv("BENCH_ENGINE_USER") + ":" + System.getenv("BENCH_ENGINE_PASSWORD");
        String basic = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));

        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        // one cycle per "go" ... "stop": fresh clients each time, the same (warm) JVM
        while ("go".equals(commands.readLine())) {
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicLong lastCompletedAtMs = new AtomicLong();
            long cpuBefore = cpuNanos();
            List<ExternalTaskClient> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                ExternalTaskClient client = ExternalTaskClient.create()
                    .baseUrl(url)
                    .workerId("bench-java-" + ProcessHandle.current().pid() + "-" + i)
                    .maxTasks(maxTasks)
                    .asyncResponseTimeout(longPollMs)
                    .lockDuration(lockMs)
                    .addInterceptor(request -> request.addHeader("Authorization", basic))
                    .build();
                client.subscribe(topic)
                    .lockDuration(lockMs)
                    .handler((task, service) -> {
                        try {
                            service.complete(task);
                        } catch (RuntimeException error) {
                            failed.incrementAndGet();
                            return;
                        }
                        completed.incrementAndGet();
                        lastCompletedAtMs.accumulateAndGet(System.currentTimeMillis(), Math::max);
                    })
                    .open();
                running.add(client);
            }
            // "count" answers the tasks completed so far; "stop" (or the end of input) ends the cycle
            while ("count".equals(commands.readLine())) {
                System.out.println("{\"completed\": " + completed.get() + "}");
                System.out.flush();
            }
            running.forEach(ExternalTaskClient::stop);
            double cpuSeconds = (cpuNanos() - cpuBefore) / 1e9;
            System.out.printf("{\"completed\": %d, \"failed\": %d, \"lastCompletedAt\": %.3f, \"cpuSeconds\": %.3f}%n",
                completed.get(), failed.get(), lastCompletedAtMs.get() / 1000.0, cpuSeconds);
            System.out.flush();
        }
        System.exit(0);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (!options.containsKey("url")) {
            throw new IllegalArgumentException("missing --url (the engine's /engine-rest)");
        }
        return options;
    }
}
