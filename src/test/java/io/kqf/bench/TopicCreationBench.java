package io.kqf.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The reference for queue creation: how fast the broker itself creates one-partition topics with
 * the Admin client, {@code batch} topics per CreateTopics request from {@code threads} threads,
 * each batch followed by the leader check kqf does (ListOffsets). Prints one {@code TOPICS} line.
 * Usage: {@code TopicCreationBench <bootstrap> <n> <batch> <threads> <prefix>}.
 */
public final class TopicCreationBench {
    private TopicCreationBench() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int n = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        String prefix = args[4];
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 10); // as kqf's own admin client
        config.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        try (Admin admin = Admin.create(config)) {
            long start = System.nanoTime();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    int first;
                    while ((first = next.getAndAdd(batch)) < n) {
                        List<NewTopic> topics = new ArrayList<>();
                        Map<TopicPartition, OffsetSpec> leaders = new HashMap<>();
                        for (int i = first; i < Math.min(n, first + batch); i++) {
                            topics.add(new NewTopic(prefix + i, Optional.of(1), Optional.empty()));
                            leaders.put(new TopicPartition(prefix + i, 0), OffsetSpec.latest());
                        }
                        try {
                            admin.createTopics(topics).all().get();
                            while (true) {
                                try {
                                    admin.listOffsets(leaders).all().get();
                                    break;
                                } catch (java.util.concurrent.ExecutionException e) {
                                    Thread.sleep(10); // the leader is not serving yet: ask again
                                }
                            }
                        } catch (Exception e) {
                            failed.addAndGet(topics.size());
                        }
                    }
                });
                worker.start();
                workers.add(worker);
            }
            for (Thread worker : workers) {
                worker.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("TOPICS %d created in %.1f s (%.0f/s, batch %d, %d threads, %d failed)%n",
                    n, seconds, n / seconds, batch, threads, failed.get());
        }
    }
}
