package io.impetus.test;

import io.impetus.client.Client;
import io.impetus.client.ClientOptions;
import io.impetus.client.Job;
import io.impetus.client.Node;
import io.impetus.client.Process;
import io.impetus.client.Startup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A client with one job function and one stage, as a user would write one. */
public class Squares extends Client {
    final List<Long> results = Collections.synchronizedList(new ArrayList<>());
    final List<String> errors = Collections.synchronizedList(new ArrayList<>());

    public Squares(ClientOptions options) {
        super(options);
    }

    @Node
    public static long square(long x) {
        if (x < 0) {
            throw new IllegalArgumentException("no squares of negative numbers: " + x);
        }
        return x * x;
    }

    @Startup
    public void start() {
        for (long i = -1; i < 10; i++) {
            fork(Squares::square, i);
        }
    }

    @Process
    public void squared(List<Job> ready, List<Job> failed) {
        ready.forEach(j -> results.add(j.result(Long.class)));
        failed.forEach(j -> errors.add(j.error().error()));
    }
}
